// Quota source `fs`: the filesystem's user quota (quotactl Q_GETQUOTA, USRQUOTA) of the
// system user whose name is the mailbox's login.
//
// LIMITATION: this only means something where every mailbox is owned by its own system
// account (getpwnam(login)). mailng's Dovecot stores every mailbox as one user
// (mail_uid = `mail` in the lab), so there the per-login lookup finds no system user
// and every mailbox fits; a quota on `mail` itself would be one shared limit for the
// whole store, which this source deliberately does not apply per recipient. Use
// `maildirsize` or `dovecot-quota-status` with such a store.
//
// Reading another user's quota needs CAP_SYS_ADMIN (EPERM otherwise -> TryAgain).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include "mailng/result.h"
#include "quota_source.h"

namespace mailng::bridge {

/// One user's entry of the quota file, in bytes and inodes; 0 limits are unlimited.
struct FsQuotaUsage {
    std::uint64_t bytes_used = 0;
    std::uint64_t bytes_hard_limit = 0;
    std::uint64_t bytes_soft_limit = 0;
    std::time_t bytes_grace_ends = 0; // 0: not over the soft limit, or no grace running
    std::uint64_t inodes_used = 0;
    std::uint64_t inodes_hard_limit = 0;
};

/// Whether a message of `size` bytes (0: unknown, counted as 1) and one more file fit
/// at time `now`. Pure. Full when it would pass the hard limit, when the soft limit is
/// passed and its grace time is over (the kernel then refuses writes), or when the
/// inode hard limit is reached.
Room fs_quota_room(const FsQuotaUsage& usage, std::uint64_t size, std::time_t now);

/// Asks the kernel for each check. `device` is the block device of the mail
/// filesystem (quotactl) or a directory on it (quotactl_fd, Linux 5.14+).
/// - no system user called `login`: fits (see the limitation above)
/// - ESRCH (quota not enabled there): fits, the filesystem does not limit anybody
/// - any other error: TryAgain
class FsQuota final : public QuotaChecker {
public:
    explicit FsQuota(std::string device) : device_(std::move(device)) {}
    Result<Room, TryAgain> check(const QuotaQuery& query, std::uint64_t size) override;

private:
    std::string device_;
};

} // namespace mailng::bridge
