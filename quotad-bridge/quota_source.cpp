#include "quota_source.h"

#include "quota_dovecot.h"
#include "quota_fs.h"
#include "quota_maildirsize.h"

namespace mailng::bridge {

std::unique_ptr<QuotaChecker> make_quota_checker(const ResolverConfig& config) {
    switch (config.quota_source) {
    case QuotaSource::maildirsize: return std::make_unique<MaildirsizeQuota>(config.maildirsize_root);
    case QuotaSource::fs: return std::make_unique<FsQuota>(config.fs_quota_device);
    case QuotaSource::dovecot_quota_status: break;
    }
    return std::make_unique<DovecotQuotaStatus>(config.quota_address, config.quota_timeout);
}

} // namespace mailng::bridge
