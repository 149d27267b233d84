// The amavisd file quarantine as the agent sees it: a directory of files named by
// parse_quarantine_file_name(), read-only except for delete. The JSON layer
// (quarantine_methods.cpp) only turns parameters into these calls and results into JSON.
//
// Layout: amavisd writes `$QUARANTINEDIR/<prefix>-<mail_id>[.gz]`, or, with
// $quarantine_subdir_levels = 1, `$QUARANTINEDIR/<c>/<prefix>-<mail_id>[.gz]` where <c> is
// the mail_id's first character (Amavis::Out::Local). Both layouts are read, and a file
// counts only where amavisd would have put it, so that a name found by a listing is found
// again by a lookup.
//
// Safety: the agent runs as root, and the directory belongs to the amavis user. Nothing
// here follows a symbolic link inside the directory (files and subdirectories are opened
// with O_NOFOLLOW relative to the directory's descriptor), only regular files are read or
// unlinked, and a file with more than one hard link is not read (it could be a link to a
// file outside the quarantine). Every name is validated before it reaches the file system.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/amavis_quarantine.h"
#include "mailng/result.h"

namespace mailng::agent {

/// An owned file descriptor, closed on destruction.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd();

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release();

private:
    int fd_ = -1;
};

/// One quarantine file found in the directory.
struct QuarantineFile {
    std::string name;   // the base name, "spam-pE2_zCCq6tFz.gz"
    std::string subdir; // "" in the flat layout, else the one-character subdirectory
    QuarantineFileName parsed;
    std::uint64_t size = 0; // bytes on disk (compressed size for .gz)
    std::int64_t mtime = 0; // seconds since the epoch

    /// The path relative to the quarantine directory: "spam-X.gz" or "p/spam-X.gz".
    std::string relative_path() const { return subdir.empty() ? name : subdir + "/" + name; }
};

struct StoreError {
    enum Kind {
        no_quarantine, // the directory does not exist (this host runs no amavisd)
        bad_name,      // not a quarantine file name / mail_id
        not_found,     // valid, but no such file
        not_regular,   // the name exists but is a symlink, directory, FIFO...
        ambiguous,     // a mail_id with several files of equal standing
        io,            // anything else (permissions, corrupt gzip data...)
    };
    Kind kind = io;
    std::string message;
};

/// Bytes read from a quarantine file, decompressed when it is gzipped.
struct FileContent {
    std::string bytes;
    bool truncated = false; // the file goes on past what was read
};

class QuarantineStore {
public:
    /// Opens `directory` (which may itself be a symlink: that is the admin's choice).
    /// Errors: no_quarantine when it does not exist or is not a directory, io otherwise.
    static Result<QuarantineStore, StoreError> open(const std::string& directory);

    /// Every regular file with a quarantine file name, in both layouts, unsorted.
    /// Entries that vanish while scanning are skipped (amavisd and cron delete files).
    Result<std::vector<QuarantineFile>, StoreError> scan() const;

    /// The file with base name `name`. Errors: bad_name, not_found, not_regular, io.
    Result<QuarantineFile, StoreError> find_file(std::string_view name) const;

    /// The file of `mail_id`. With archive quarantine on, amavisd keeps one mail_id in
    /// two files (archive-X.gz beside spam-X.gz); the non-archive one is meant, since
    /// it is the one the mail was blocked by. Errors: as find_file(), and ambiguous.
    Result<QuarantineFile, StoreError> find_mail_id(std::string_view mail_id) const;

    /// Up to `max_bytes` of the message (gunzipped for .gz). With `header_only`, stops
    /// early once the empty line that ends the header block has been read, so that a
    /// listing does not decompress whole messages. Errors: not_regular (also for a file
    /// with several hard links), not_found, io (corrupt or cut gzip data included).
    Result<FileContent, StoreError> read(const QuarantineFile& file, std::size_t max_bytes,
                                         bool header_only = false) const;

    /// The parsed header block (at most kMaxQuarantineHeaderBytes), with size set. When
    /// the file cannot be read or does not start with a header, the entry carries what
    /// the name and stat tell (headers_complete false), so that it can still be listed
    /// and deleted.
    QuarantineEntry entry(const QuarantineFile& file) const;

    /// Unlinks the file; a symlink put in its place since the lookup is refused, and
    /// unlinkat never follows one anyway. Errors: not_found, not_regular, io.
    Result<bool, StoreError> remove(const QuarantineFile& file) const;

private:
    explicit QuarantineStore(UniqueFd directory) : directory_(std::move(directory)) {}

    Result<UniqueFd, StoreError> open_parent(const QuarantineFile& file) const;
    Result<bool, StoreError> scan_directory(int fd, const std::string& subdir,
                                            std::vector<QuarantineFile>& out) const;
    void scan_item(int fd, const std::string& subdir, const char* name,
                   std::vector<QuarantineFile>& out) const;
    Result<QuarantineFile, StoreError> stat_in(int parent, const std::string& subdir,
                                               std::string_view name) const;

    UniqueFd directory_;
};

/// quarantine.list's filters. Text filters match a substring without regard to ASCII
/// case; empty means any. Times are file modification times, bounds inclusive.
struct QuarantineQuery {
    std::vector<QuarantineType> types; // empty: every type
    std::string sender;                // the envelope sender or the From header
    std::string recipient;             // any envelope recipient
    std::string subject;               // the raw Subject (RFC 2047 words are not decoded)
    std::optional<double> min_score;   // entries without a score never match
    std::optional<std::int64_t> since;
    std::optional<std::int64_t> until;
    std::size_t offset = 0;
    std::size_t limit = 100;

    /// Whether a filter needs the file's headers (else name and stat decide).
    bool needs_headers() const;
};

struct ListedEntry {
    QuarantineEntry entry;
    std::int64_t time = 0; // the file's mtime
};

struct QuarantinePage {
    std::size_t total = 0; // entries matching the filters, before paging
    std::vector<ListedEntry> items;
};

/// The matching entries, newest first (ties by file name), items offset..offset+limit.
/// Only the files on the page are read when no filter needs headers.
Result<QuarantinePage, StoreError> list_quarantine(const QuarantineStore& store,
                                                   const QuarantineQuery& query);

/// An alternative recipient for a release: `local@domain`, with a dot-atom local part
/// (RFC 5321 atext and dots) that does not start with '-', and a valid domain name. No
/// spaces or control characters can pass, since amavisd-release hands the value on.
bool is_valid_release_recipient(std::string_view address);

/// The amavisd-release command line for `file` (see quarantine_methods.cpp for why):
///   [tool, RELATIVE_PATH]                       original recipients
///   [tool, RELATIVE_PATH, "", RCPT, RCPT...]    chosen recipients; "" is the secret_id
std::vector<std::string> release_argv(const std::string& tool, const QuarantineFile& file,
                                      const std::vector<std::string>& recipients);

} // namespace mailng::agent
