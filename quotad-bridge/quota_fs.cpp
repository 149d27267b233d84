#include "quota_fs.h"

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include <fcntl.h>
#include <pwd.h>
#include <sys/quota.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace mailng::bridge {
namespace {

// dqb_bhardlimit and dqb_bsoftlimit count blocks of this size (QIF_DQBLKSIZE).
constexpr std::uint64_t kQuotaBlockBytes = 1024;

enum class Lookup { found, no_such_user, failed };

/// The uid of system user `login`.
Lookup system_uid(const std::string& login, uid_t& uid, std::string& why) {
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    int error = ::getpwnam_r(login.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (found != nullptr) {
        uid = found->pw_uid;
        return Lookup::found;
    }
    // getpwnam_r reports "no such user" as 0 or, with some NSS modules, ENOENT/ESRCH.
    if (error == 0 || error == ENOENT || error == ESRCH) return Lookup::no_such_user;
    why = std::strerror(error);
    return Lookup::failed;
}

/// quotactl(2) on a block device, quotactl_fd(2) on a directory; -1 and errno on failure.
int get_quota(const std::string& device, uid_t uid, dqblk& quota) {
    struct stat status {};
    if (::stat(device.c_str(), &status) != 0) return -1;
    int command = QCMD(Q_GETQUOTA, USRQUOTA);
    auto* address = reinterpret_cast<char*>(&quota);
    if (S_ISBLK(status.st_mode)) return ::quotactl(command, device.c_str(), static_cast<int>(uid), address);
#ifdef SYS_quotactl_fd
    int fd = ::open(device.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int result = static_cast<int>(::syscall(SYS_quotactl_fd, fd, command, uid, address));
    int saved = errno;
    ::close(fd);
    errno = saved;
    return result;
#else
    errno = ENOTBLK;
    return -1;
#endif
}

FsQuotaUsage usage_of(const dqblk& quota) {
    FsQuotaUsage usage;
    usage.bytes_used = quota.dqb_curspace;
    usage.bytes_hard_limit = quota.dqb_bhardlimit * kQuotaBlockBytes;
    usage.bytes_soft_limit = quota.dqb_bsoftlimit * kQuotaBlockBytes;
    usage.bytes_grace_ends = static_cast<std::time_t>(quota.dqb_btime);
    usage.inodes_used = quota.dqb_curinodes;
    usage.inodes_hard_limit = quota.dqb_ihardlimit;
    return usage;
}

bool would_pass(std::uint64_t used, std::uint64_t wanted, std::uint64_t limit) {
    return limit != 0 && (used >= limit || wanted > limit - used);
}

} // namespace

Room fs_quota_room(const FsQuotaUsage& usage, std::uint64_t size, std::time_t now) {
    std::uint64_t wanted = size == 0 ? 1 : size;
    if (would_pass(usage.bytes_used, wanted, usage.bytes_hard_limit)) return Room::full;
    bool over_soft = usage.bytes_soft_limit != 0 && usage.bytes_used > usage.bytes_soft_limit;
    if (over_soft && usage.bytes_grace_ends != 0 && usage.bytes_grace_ends <= now) return Room::full;
    if (would_pass(usage.inodes_used, 1, usage.inodes_hard_limit)) return Room::full;
    return Room::fits;
}

Result<Room, TryAgain> FsQuota::check(const QuotaQuery& query, std::uint64_t size) {
    uid_t uid = 0;
    std::string why;
    switch (system_uid(query.login, uid, why)) {
    case Lookup::no_such_user: return Room::fits;
    case Lookup::failed: return unexpected(TryAgain{"fs quota: getpwnam " + query.login + ": " + why});
    case Lookup::found: break;
    }
    dqblk quota{};
    if (get_quota(device_, uid, quota) != 0) {
        if (errno == ESRCH) return Room::fits;
        return unexpected(TryAgain{"fs quota: " + device_ + ": " + std::strerror(errno)});
    }
    return fs_quota_room(usage_of(quota), size, std::time(nullptr));
}

} // namespace mailng::bridge
