// Walking a Postfix queue directory as showq(8) does (mail_scan_dir.c, mail_open_ok.c)
// and reading only the records of each queue file that the envelope needs. The record
// parser is in postfix_queue_file.cpp.
#include "mailng/postfix_queue_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

namespace mailng {
namespace {

// The first read of a queue file: a page holds the envelope of most messages, and the
// whole of a small one.
constexpr std::size_t kFirstRead = 4096;

// A read buffer that grew past this for one large envelope is given back afterwards.
constexpr std::size_t kKeptBuffer = 1u << 20;

// Postfix's hash_queue_depth is small; deeper one-letter directories are not its.
constexpr int kMaxHashDepth = 16;

// A defer log larger than this is not read (its reasons are left out).
constexpr off_t kMaxDeferLog = 64 << 20;

// The queues that showq reads, in its order.
constexpr QueueName kShowqQueues[] = {QueueName::maildrop, QueueName::active, QueueName::incoming,
                                      QueueName::deferred, QueueName::hold};

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~Fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_;
};

struct DirCloser {
    void operator()(DIR* dir) const { ::closedir(dir); }
};
using Dir = std::unique_ptr<DIR, DirCloser>;

std::string errno_text(int error) {
    return std::strerror(error);
}

// Opens the directory `name` under `parent` for readdir; null with errno set on failure.
Dir open_dir_at(int parent, const char* name) {
    int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return nullptr;
    DIR* dir = ::fdopendir(fd);
    if (!dir)
        ::close(fd);
    return Dir(dir);
}

bool is_dot_entry(const char* name) {
    return std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0;
}

// Hashed queues keep files in one-letter subdirectories (dir_forest); queue ids are
// longer, so the name alone tells them apart, as in mail_scan_dir_next().
bool is_hash_dir_name(const char* name) {
    return name[0] != '\0' && name[1] == '\0';
}

// Called for each queue file name with the directory holding it; false stops the walk.
using EntryVisitor = std::function<bool(int dir_fd, const char* name)>;

struct WalkResult {
    bool stopped = false;
};

Result<WalkResult, std::string> walk_dir(DIR* dir, const std::string& path, bool hashed, int depth,
                                         const EntryVisitor& visit);

// Enters a hash subdirectory; one that vanished or is not a directory is passed over.
Result<WalkResult, std::string> walk_subdir(DIR* parent, const std::string& path, const char* name,
                                            int depth, const EntryVisitor& visit) {
    std::string sub_path = path + "/" + name;
    Dir sub = open_dir_at(::dirfd(parent), name);
    if (!sub && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP))
        return WalkResult{};
    if (!sub)
        return unexpected(sub_path + ": " + errno_text(errno));
    return walk_dir(sub.get(), sub_path, true, depth + 1, visit);
}

Result<WalkResult, std::string> walk_dir(DIR* dir, const std::string& path, bool hashed, int depth,
                                         const EntryVisitor& visit) {
    for (;;) {
        errno = 0;
        const dirent* entry = ::readdir(dir);
        if (!entry && errno != 0)
            return unexpected(path + ": " + errno_text(errno));
        if (!entry)
            return WalkResult{};
        const char* name = entry->d_name;
        if (is_dot_entry(name))
            continue;
        if (hashed && is_hash_dir_name(name) && depth < kMaxHashDepth) {
            auto sub = walk_subdir(dir, path, name, depth, visit);
            if (!sub || sub->stopped)
                return sub;
        } else if (is_valid_queue_id(name) && !visit(::dirfd(dir), name)) {
            return WalkResult{true};
        }
    }
}

// Walks one queue; maildrop is flat (showq reads it with scan_dir_next()).
Result<WalkResult, std::string> walk_queue(int queue_dir_fd, const std::string& queue_dir,
                                           QueueName queue, const EntryVisitor& visit) {
    std::string name(to_string(queue));
    std::string path = queue_dir + "/" + name;
    Dir dir = open_dir_at(queue_dir_fd, name.c_str());
    if (!dir)
        return unexpected(path + ": " + errno_text(errno));
    return walk_dir(dir.get(), path, queue != QueueName::maildrop, 0, visit);
}

Result<Fd, std::string> open_queue_dir(const std::string& queue_dir) {
    int fd = ::open(queue_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return unexpected(queue_dir + ": " + errno_text(errno));
    return Fd(fd);
}

// --- reading files ---------------------------------------------------------------------

// Opens a file read-only, never through a symbolic link, without blocking on a FIFO,
// and without updating its access time where the kernel lets us (owner or root).
Fd open_file_at(int dir_fd, const char* name) {
    constexpr int kFlags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    int fd = ::openat(dir_fd, name, kFlags | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = ::openat(dir_fd, name, kFlags);
    return Fd(fd);
}

// Reads up to `length` bytes at `offset`; fewer only at the end of the file.
bool read_at(int fd, std::uint64_t offset, std::size_t length, std::string& buffer) {
    buffer.resize(length);
    std::size_t done = 0;
    while (done < length) {
        ssize_t n =
            ::pread(fd, buffer.data() + done, length - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    buffer.resize(done);
    return true;
}

// showq's mail_open_ok(): a regular file whose owner bits are rwx (cleanup and postdrop
// add the x bit when the file is complete).
bool is_complete_queue_file(const struct stat& st) {
    return S_ISREG(st.st_mode) && (st.st_mode & S_IRWXU) == S_IRWXU;
}

// Feeds the parser what it asks for, reading a page at least each time.
std::optional<QueueMessage> parse_open_file(int fd, QueueFileParser& parser, std::uint64_t size,
                                            std::string& buffer) {
    QueueFileParser::Need need{0,
                               static_cast<std::size_t>(std::min<std::uint64_t>(kFirstRead, size))};
    for (;;) {
        std::size_t length = std::max(need.length, kFirstRead);
        length = static_cast<std::size_t>(std::min<std::uint64_t>(length, size - need.offset));
        if (!read_at(fd, need.offset, length, buffer) || buffer.size() < need.length)
            return std::nullopt; // unreadable, or shrunk while we read it
        auto next = parser.feed(need.offset, buffer);
        if (!next)
            return std::nullopt;
        if (!*next)
            return std::move(parser.message());
        need = **next;
    }
}

std::optional<QueueMessage> read_queue_file(int dir_fd, const char* name, QueueName queue,
                                            bool utf8, std::string& buffer) {
    Fd fd = open_file_at(dir_fd, name);
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !is_complete_queue_file(st) || st.st_size <= 0)
        return std::nullopt;
    QueueFileContext context;
    context.size = static_cast<std::uint64_t>(st.st_size);
    context.mtime = st.st_mtime;
    context.forced_expire = (st.st_mode & S_IXGRP) != 0;
    context.utf8 = utf8;
    QueueFileParser parser(queue, name, context);
    auto message = parse_open_file(fd.get(), parser, *context.size, buffer);
    if (buffer.capacity() > kKeptBuffer)
        std::string().swap(buffer);
    return message;
}

// --- defer logs ------------------------------------------------------------------------

// The base-52 digits of long queue ids (safe_ultostr.c): no vowels.
constexpr std::string_view kSafeDigits = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";

// What dir_forest() hashes: the id itself, or for a long id its microseconds as the
// five hex digits that a short id starts with (mail_queue_dir(), MQID_LG_GET_HEX_USEC).
std::string hash_key(std::string_view id) {
    if (queue_id_form(id) != QueueIdForm::long_form)
        return std::string(id);
    std::string_view usec = id.substr(id.rfind('z') - 4, 4);
    unsigned long value = 0;
    for (char c : usec)
        value = value * 52 + kSafeDigits.find(c);
    char hex[16];
    std::snprintf(hex, sizeof hex, "%05lX", value);
    return hex;
}

// dir_forest(): one directory level per leading character, '_' past the end.
std::string hash_path(std::string_view id, int depth) {
    std::string key = hash_key(id), path;
    for (int level = 0; level < depth; ++level) {
        path += static_cast<std::size_t>(level) < key.size() ? key[level] : '_';
        path += '/';
    }
    return path + std::string(id);
}

// Finds where the defer logs are: hash_queue_depth levels of one-letter directories
// when "defer" is in hash_queue_names (the default), none otherwise. main.cf is not
// read; the directories themselves tell.
class DeferLogs {
public:
    DeferLogs(int queue_dir_fd, bool utf8)
        : dir_fd_(::openat(queue_dir_fd, "defer", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)),
          utf8_(utf8) {
        if (dir_fd_)
            depth_ = hash_depth(dir_fd_.get());
    }

    std::vector<DeferLogEntry> read(std::string_view id, std::string& buffer) const {
        if (!dir_fd_)
            return {};
        Fd fd = open_file_at(dir_fd_.get(), hash_path(id, depth_).c_str());
        struct stat st {};
        if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxDeferLog)
            return {};
        if (!read_at(fd.get(), 0, static_cast<std::size_t>(st.st_size), buffer))
            return {};
        return parse_defer_log_entries(buffer, utf8_);
    }

private:
    // Follows the first one-letter subdirectory down as far as there is one.
    static int hash_depth(int defer_fd) {
        int depth = 0;
        Dir dir = open_dir_at(defer_fd, ".");
        while (dir && depth < kMaxHashDepth) {
            Dir sub = first_hash_subdir(dir.get());
            if (!sub)
                break;
            dir = std::move(sub);
            ++depth;
        }
        return depth;
    }

    static Dir first_hash_subdir(DIR* dir) {
        while (const dirent* entry = ::readdir(dir))
            if (is_hash_dir_name(entry->d_name) && !is_dot_entry(entry->d_name))
                if (Dir sub = open_dir_at(::dirfd(dir), entry->d_name))
                    return sub;
        return nullptr;
    }

    Fd dir_fd_;
    int depth_ = 0;
    bool utf8_;
};

bool has_defer_log(QueueName queue) {
    return queue == QueueName::deferred || queue == QueueName::hold;
}

std::vector<QueueName> queues_to_scan(const std::vector<QueueName>& wanted) {
    if (wanted.empty())
        return {std::begin(kShowqQueues), std::end(kShowqQueues)};
    std::vector<QueueName> queues;
    for (QueueName queue : wanted)
        if (std::find(queues.begin(), queues.end(), queue) == queues.end())
            queues.push_back(queue);
    return queues;
}

// One scan's state; the read buffer is reused from file to file.
struct Scan {
    const QueueScanOptions& options;
    const QueueMessageHandler& on_message;
    std::optional<DeferLogs> logs;
    QueueScanStats stats;
    std::string buffer;

    bool visit(QueueName queue, int dir_fd, const char* name) {
        ++stats.files;
        auto message = read_queue_file(dir_fd, name, queue, options.utf8, buffer);
        if (!message) {
            ++stats.unreadable;
            return true;
        }
        if (logs && has_defer_log(queue))
            merge_defer_log(*message, logs->read(name, buffer));
        return on_message(std::move(*message));
    }
};

} // namespace

Result<QueueScanStats, std::string> scan_queue(const std::string& queue_dir,
                                               const QueueScanOptions& options,
                                               const QueueMessageHandler& on_message) {
    auto top = open_queue_dir(queue_dir);
    if (!top)
        return unexpected(std::move(top.error()));
    Scan scan{options, on_message, {}, {}, {}};
    if (options.delay_reasons)
        scan.logs.emplace(top->get(), options.utf8);
    for (QueueName queue : queues_to_scan(options.queues)) {
        auto walked = walk_queue(top->get(), queue_dir, queue, [&](int dir_fd, const char* name) {
            return scan.visit(queue, dir_fd, name);
        });
        if (!walked)
            return unexpected(std::move(walked.error()));
        if (walked->stopped)
            break;
    }
    return scan.stats;
}

Result<std::map<QueueName, std::uint64_t>, std::string>
count_queue_files(const std::string& queue_dir, const std::vector<QueueName>& queues) {
    auto top = open_queue_dir(queue_dir);
    if (!top)
        return unexpected(std::move(top.error()));
    std::map<QueueName, std::uint64_t> counts;
    for (QueueName queue : queues_to_scan(queues)) {
        std::uint64_t& count = counts[queue];
        auto walked = walk_queue(top->get(), queue_dir, queue, [&](int, const char*) {
            ++count;
            return true;
        });
        if (!walked)
            return unexpected(std::move(walked.error()));
    }
    return counts;
}

Result<bool, std::string> add_delay_reasons(const std::string& queue_dir,
                                            std::vector<QueueMessage>& messages, bool utf8) {
    auto top = open_queue_dir(queue_dir);
    if (!top)
        return unexpected(std::move(top.error()));
    DeferLogs logs(top->get(), utf8);
    std::string buffer;
    for (auto& message : messages)
        if (has_defer_log(message.queue_name))
            merge_defer_log(message, logs.read(message.queue_id, buffer));
    return true;
}

Result<std::map<std::string, QueueName>, std::string>
locate_queue_files(const std::string& queue_dir, const std::set<std::string, std::less<>>& ids) {
    auto top = open_queue_dir(queue_dir);
    if (!top)
        return unexpected(std::move(top.error()));
    std::map<std::string, QueueName> found;
    for (QueueName queue : queues_to_scan({})) {
        auto walked = walk_queue(top->get(), queue_dir, queue, [&](int, const char* name) {
            if (ids.contains(std::string_view(name)))
                found.emplace(name, queue);
            return found.size() < ids.size();
        });
        if (!walked)
            return unexpected(std::move(walked.error()));
    }
    return found;
}

} // namespace mailng
