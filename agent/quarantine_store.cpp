#include "quarantine_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "mailng/cluster.h"

namespace mailng::agent {

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0)
        ::close(fd_);
}

int UniqueFd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
constexpr int kNoFollowDirFlags = kDirFlags | O_NOFOLLOW;
// O_NONBLOCK so that a FIFO planted under a quarantine name cannot hang the agent in
// open(); it is refused after fstat like any other non-regular file.
constexpr int kFileFlags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

constexpr std::array kAllTypes = {QuarantineType::spam,      QuarantineType::virus,
                                  QuarantineType::banned,    QuarantineType::bad_header,
                                  QuarantineType::unchecked, QuarantineType::clean,
                                  QuarantineType::archive};

StoreError store_error(StoreError::Kind kind, std::string message) {
    return StoreError{kind, std::move(message)};
}

// ELOOP is what O_NOFOLLOW gives for a symlink; ENOTDIR/EISDIR a name of the wrong kind.
StoreError errno_error(std::string_view what, int err) {
    std::string message = std::string(what) + ": " + std::strerror(err);
    switch (err) {
    case ENOENT:
        return store_error(StoreError::not_found, std::move(message));
    case ELOOP:
    case ENOTDIR:
    case EISDIR:
    case ENXIO:
        return store_error(StoreError::not_regular, std::string(what) + " is not a regular file");
    default:
        return store_error(StoreError::io, std::move(message));
    }
}

bool is_ascii_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// The hashed layout's subdirectory of a file: its mail_id's first character.
bool is_subdir_of(std::string_view subdir, const QuarantineFileName& parsed) {
    return subdir.empty() || (subdir.size() == 1 && subdir.front() == parsed.mail_id.front());
}

bool is_subdir_name(std::string_view name) {
    return name.size() == 1 && is_ascii_alnum(name.front());
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool contains_ignoring_case(std::string_view text, std::string_view needle) {
    auto found = std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                             [](char a, char b) { return lower(a) == lower(b); });
    return found != text.end() || needle.empty();
}

// --- reading ----------------------------------------------------------------------------

/// A stream of message bytes: the file itself, or its gunzipped content.
class ByteSource {
public:
    virtual ~ByteSource() = default;
    /// Fills up to `size` bytes; 0 at the end of the message.
    virtual Result<std::size_t, StoreError> next(char* out, std::size_t size) = 0;
};

class PlainSource : public ByteSource {
public:
    PlainSource(int fd, std::string_view name) : fd_(fd), name_(name) {}

    Result<std::size_t, StoreError> next(char* out, std::size_t size) override {
        while (true) {
            ssize_t got = ::read(fd_, out, size);
            if (got >= 0)
                return static_cast<std::size_t>(got);
            if (errno != EINTR)
                return unexpected(errno_error(name_, errno));
        }
    }

private:
    int fd_;
    std::string name_;
};

/// One gzip member, as amavisd writes it (Amavis::IO::Zlib, i.e. gzopen). Data that
/// stops before the member's end is an error, not a short message: the console must not
/// show a cut file as if it were whole.
class GzipSource : public ByteSource {
public:
    GzipSource(int fd, std::string_view name) : input_(fd, name), name_(name), buffer_(64 * 1024) {
        initialised_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;
    }
    GzipSource(const GzipSource&) = delete;
    GzipSource& operator=(const GzipSource&) = delete;
    ~GzipSource() override {
        if (initialised_)
            inflateEnd(&stream_);
    }

    Result<std::size_t, StoreError> next(char* out, std::size_t size) override {
        if (!initialised_)
            return unexpected(store_error(StoreError::io, "zlib: cannot initialise inflate"));
        stream_.next_out = reinterpret_cast<Bytef*>(out);
        stream_.avail_out = static_cast<uInt>(size);
        while (!ended_ && stream_.avail_out == size) {
            if (auto step = inflate_step(); !step)
                return unexpected(step.error());
        }
        return size - stream_.avail_out;
    }

private:
    Result<bool, StoreError> inflate_step() {
        if (stream_.avail_in == 0) {
            auto got = input_.next(reinterpret_cast<char*>(buffer_.data()), buffer_.size());
            if (!got)
                return unexpected(got.error());
            if (*got == 0)
                return unexpected(corrupt("compressed data ends early"));
            stream_.next_in = buffer_.data();
            stream_.avail_in = static_cast<uInt>(*got);
        }
        int status = inflate(&stream_, Z_NO_FLUSH);
        if (status == Z_STREAM_END)
            ended_ = true;
        else if (status != Z_OK && status != Z_BUF_ERROR)
            return unexpected(corrupt(stream_.msg ? stream_.msg : "corrupt gzip data"));
        return true;
    }

    StoreError corrupt(std::string_view why) const {
        return store_error(StoreError::io, name_ + ": " + std::string(why));
    }

    PlainSource input_;
    std::string name_;
    std::vector<Bytef> buffer_;
    z_stream stream_{};
    bool initialised_ = false;
    bool ended_ = false;
};

/// Whether the bytes from about `from` on complete the header block's empty line.
bool header_block_ended(const std::string& bytes, std::size_t from) {
    std::size_t start = from < 2 ? 0 : from - 2;
    return bytes.find("\n\n", start) != std::string::npos ||
           bytes.find("\n\r\n", start) != std::string::npos;
}

Result<FileContent, StoreError> read_source(ByteSource& source, std::size_t max_bytes,
                                            bool header_only) {
    constexpr std::size_t kChunk = 16 * 1024;
    FileContent content;
    // Reading one byte past max_bytes is how a message that goes on is told apart.
    while (content.bytes.size() <= max_bytes) {
        std::size_t old_size = content.bytes.size();
        std::size_t want = std::min(kChunk, max_bytes + 1 - old_size);
        content.bytes.resize(old_size + want);
        auto got = source.next(content.bytes.data() + old_size, want);
        if (!got)
            return unexpected(got.error());
        content.bytes.resize(old_size + *got);
        if (*got == 0)
            return content;
        if (header_only && header_block_ended(content.bytes, old_size)) {
            content.truncated = true;
            return content;
        }
    }
    content.bytes.resize(max_bytes);
    content.truncated = true;
    return content;
}

QuarantineEntry name_only_entry(const QuarantineFile& file) {
    QuarantineEntry entry;
    entry.file_name = file.name;
    entry.mail_id = file.parsed.mail_id;
    entry.type = file.parsed.type;
    entry.gzipped = file.parsed.gzipped;
    return entry;
}

// --- listing ----------------------------------------------------------------------------

bool matches_file(const QuarantineQuery& query, const QuarantineFile& file) {
    if (!query.types.empty() &&
        std::find(query.types.begin(), query.types.end(), file.parsed.type) == query.types.end())
        return false;
    if (query.since && file.mtime < *query.since)
        return false;
    return !query.until || file.mtime <= *query.until;
}

bool matches_entry(const QuarantineQuery& query, const QuarantineEntry& entry) {
    if (!contains_ignoring_case(entry.sender, query.sender) &&
        !contains_ignoring_case(entry.from, query.sender))
        return false;
    if (!query.recipient.empty() &&
        std::none_of(entry.recipients.begin(), entry.recipients.end(), [&](const std::string& r) {
            return contains_ignoring_case(r, query.recipient);
        }))
        return false;
    if (!contains_ignoring_case(entry.subject, query.subject))
        return false;
    return !query.min_score || (entry.spam_score && *entry.spam_score >= *query.min_score);
}

bool newer_first(const QuarantineFile& a, const QuarantineFile& b) {
    if (a.mtime != b.mtime)
        return a.mtime > b.mtime;
    return a.name < b.name;
}

// --- release recipients -----------------------------------------------------------------

bool is_atext(char c) {
    return is_ascii_alnum(c) ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dot_atom(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.' ||
        text.find("..") != std::string_view::npos)
        return false;
    return std::all_of(text.begin(), text.end(), [](char c) { return is_atext(c) || c == '.'; });
}

// The archive copy only counts when it is all there is (see find_mail_id()).
Result<QuarantineFile, StoreError> choose_file(std::vector<QuarantineFile> found,
                                               const std::optional<StoreError>& refused,
                                               std::string_view mail_id) {
    auto is_archive = [](const QuarantineFile& f) {
        return f.parsed.type == QuarantineType::archive;
    };
    if (!std::all_of(found.begin(), found.end(), is_archive))
        std::erase_if(found, is_archive);
    if (found.size() == 1)
        return std::move(found.front());
    if (found.empty())
        return unexpected(refused ? *refused
                                  : store_error(StoreError::not_found,
                                                "no quarantine file for " + std::string(mail_id)));
    std::string names;
    for (const auto& file : found)
        names += (names.empty() ? "" : ", ") + file.name;
    return unexpected(store_error(StoreError::ambiguous, "mail_id " + std::string(mail_id) +
                                                             " has several files (" + names +
                                                             "); name one with files"));
}

} // namespace

// --- QuarantineStore ----------------------------------------------------------------------

Result<QuarantineStore, StoreError> QuarantineStore::open(const std::string& directory) {
    UniqueFd fd(::open(directory.c_str(), kDirFlags));
    if (fd.valid())
        return QuarantineStore(std::move(fd));
    int err = errno;
    if (err == ENOENT || err == ENOTDIR)
        return unexpected(store_error(StoreError::no_quarantine,
                                      "no amavisd quarantine on this host (" + directory + ": " +
                                          std::strerror(err) + ")"));
    return unexpected(errno_error(directory, err));
}

Result<QuarantineFile, StoreError> QuarantineStore::stat_in(int parent, const std::string& subdir,
                                                            std::string_view name) const {
    auto parsed = parse_quarantine_file_name(name);
    if (!parsed || !is_subdir_of(subdir, *parsed))
        return unexpected(
            store_error(StoreError::bad_name, "not a quarantine file name: " + std::string(name)));
    std::string path(name);
    struct stat status {};
    if (::fstatat(parent, path.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0)
        return unexpected(errno_error(name, errno));
    if (!S_ISREG(status.st_mode))
        return unexpected(store_error(StoreError::not_regular, path + " is not a regular file"));
    return QuarantineFile{std::move(path), subdir, std::move(*parsed),
                          static_cast<std::uint64_t>(status.st_size),
                          static_cast<std::int64_t>(status.st_mtim.tv_sec)};
}

Result<bool, StoreError> QuarantineStore::scan_directory(int fd, const std::string& subdir,
                                                         std::vector<QuarantineFile>& out) const {
    // A descriptor of its own, so that readdir's position is not shared with `fd`.
    UniqueFd own(::openat(fd, ".", kDirFlags));
    DIR* stream = own.valid() ? ::fdopendir(own.get()) : nullptr;
    if (!stream)
        return unexpected(errno_error(subdir.empty() ? "quarantine directory" : subdir, errno));
    own.release();
    std::unique_ptr<DIR, int (*)(DIR*)> closer(stream, &::closedir);
    const dirent* item = nullptr;
    for (errno = 0; (item = ::readdir(stream)) != nullptr; errno = 0)
        scan_item(fd, subdir, item->d_name, out);
    if (errno != 0)
        return unexpected(errno_error(subdir.empty() ? "quarantine directory" : subdir, errno));
    return true;
}

void QuarantineStore::scan_item(int fd, const std::string& subdir, const char* name,
                                std::vector<QuarantineFile>& out) const {
    if (parse_quarantine_file_name(name)) {
        // Files that vanish or are not regular are no quarantine entries: skipped.
        if (auto file = stat_in(fd, subdir, name))
            out.push_back(std::move(*file));
    } else if (subdir.empty() && is_subdir_name(name)) {
        // A subdirectory that cannot be opened (or is a symlink) holds nothing of ours.
        UniqueFd child(::openat(fd, name, kNoFollowDirFlags));
        if (child.valid())
            (void)scan_directory(child.get(), name, out);
    }
}

Result<std::vector<QuarantineFile>, StoreError> QuarantineStore::scan() const {
    std::vector<QuarantineFile> files;
    if (auto scanned = scan_directory(directory_.get(), "", files); !scanned)
        return unexpected(scanned.error());
    return files;
}

Result<QuarantineFile, StoreError> QuarantineStore::find_file(std::string_view name) const {
    auto parsed = parse_quarantine_file_name(name);
    if (!parsed)
        return unexpected(
            store_error(StoreError::bad_name, "not a quarantine file name: " + std::string(name)));
    auto flat = stat_in(directory_.get(), "", name);
    if (flat || flat.error().kind != StoreError::not_found)
        return flat;
    std::string subdir(1, parsed->mail_id.front());
    UniqueFd child(::openat(directory_.get(), subdir.c_str(), kNoFollowDirFlags));
    if (!child.valid())
        return flat; // no hashed layout (or a symlink where it would be): not found
    return stat_in(child.get(), subdir, name);
}

Result<QuarantineFile, StoreError> QuarantineStore::find_mail_id(std::string_view mail_id) const {
    if (!is_valid_mail_id(mail_id))
        return unexpected(
            store_error(StoreError::bad_name, "not an amavisd mail_id: " + std::string(mail_id)));
    std::vector<QuarantineFile> found;
    std::optional<StoreError> refused;
    for (auto type : kAllTypes) {
        for (bool gzipped : {true, false}) {
            auto file = find_file(quarantine_file_name(type, mail_id, gzipped));
            if (file)
                found.push_back(std::move(*file));
            else if (file.error().kind != StoreError::not_found && !refused)
                refused = file.error();
        }
    }
    return choose_file(std::move(found), refused, mail_id);
}

Result<UniqueFd, StoreError> QuarantineStore::open_parent(const QuarantineFile& file) const {
    // Checked again: a QuarantineFile can be built by hand, and this is the last step
    // before the file system.
    auto parsed = parse_quarantine_file_name(file.name);
    if (!parsed || !is_subdir_of(file.subdir, *parsed))
        return unexpected(store_error(StoreError::bad_name,
                                      "not a quarantine file name: " + file.relative_path()));
    const char* where = file.subdir.empty() ? "." : file.subdir.c_str();
    UniqueFd parent(::openat(directory_.get(), where, kNoFollowDirFlags));
    if (!parent.valid())
        return unexpected(errno_error(file.relative_path(), errno));
    return parent;
}

Result<FileContent, StoreError>
QuarantineStore::read(const QuarantineFile& file, std::size_t max_bytes, bool header_only) const {
    auto parent = open_parent(file);
    if (!parent)
        return unexpected(parent.error());
    UniqueFd fd(::openat(parent->get(), file.name.c_str(), kFileFlags));
    if (!fd.valid())
        return unexpected(errno_error(file.name, errno));
    struct stat status {};
    if (::fstat(fd.get(), &status) != 0)
        return unexpected(errno_error(file.name, errno));
    if (!S_ISREG(status.st_mode))
        return unexpected(
            store_error(StoreError::not_regular, file.name + " is not a regular file"));
    if (status.st_nlink != 1)
        return unexpected(
            store_error(StoreError::not_regular, file.name + " has several hard links; not read"));
    if (file.parsed.gzipped) {
        GzipSource source(fd.get(), file.name);
        return read_source(source, max_bytes, header_only);
    }
    PlainSource source(fd.get(), file.name);
    return read_source(source, max_bytes, header_only);
}

QuarantineEntry QuarantineStore::entry(const QuarantineFile& file) const {
    QuarantineEntry entry = name_only_entry(file);
    // One byte past the parser's cap, so that it knows when the header block was cut.
    auto content = read(file, kMaxQuarantineHeaderBytes + 1, true);
    if (content) {
        if (auto parsed = parse_quarantine_file(file.name, content->bytes))
            entry = std::move(*parsed);
    }
    entry.size = file.size;
    return entry;
}

Result<bool, StoreError> QuarantineStore::remove(const QuarantineFile& file) const {
    auto parent = open_parent(file);
    if (!parent)
        return unexpected(parent.error());
    // Refuses whatever is not a regular file now; should a symlink replace the file
    // after this check, unlinkat removes the link itself, never its target.
    if (auto current = stat_in(parent->get(), file.subdir, file.name); !current)
        return unexpected(current.error());
    if (::unlinkat(parent->get(), file.name.c_str(), 0) != 0)
        return unexpected(errno_error(file.relative_path(), errno));
    return true;
}

// --- listing ----------------------------------------------------------------------------

bool QuarantineQuery::needs_headers() const {
    return !sender.empty() || !recipient.empty() || !subject.empty() || min_score.has_value();
}

Result<QuarantinePage, StoreError> list_quarantine(const QuarantineStore& store,
                                                   const QuarantineQuery& query) {
    auto files = store.scan();
    if (!files)
        return unexpected(files.error());
    std::erase_if(*files, [&](const QuarantineFile& f) { return !matches_file(query, f); });
    std::sort(files->begin(), files->end(), newer_first);
    QuarantinePage page;
    if (!query.needs_headers()) {
        // Name and stat decided: only the page's files are opened.
        page.total = files->size();
        std::size_t end =
            std::min(files->size(), query.offset + std::min(query.limit, files->size()));
        for (std::size_t i = query.offset; i < end; ++i)
            page.items.push_back({store.entry((*files)[i]), (*files)[i].mtime});
        return page;
    }
    for (const auto& file : *files) {
        QuarantineEntry entry = store.entry(file);
        if (!matches_entry(query, entry))
            continue;
        if (page.total >= query.offset && page.items.size() < query.limit)
            page.items.push_back({std::move(entry), file.mtime});
        ++page.total;
    }
    return page;
}

// --- release ----------------------------------------------------------------------------

bool is_valid_release_recipient(std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos || address.size() > 254)
        return false;
    std::string_view local = address.substr(0, at);
    if (local.size() > 64 || local.starts_with('-') || !is_dot_atom(local))
        return false;
    return is_valid_domain_name(address.substr(at + 1));
}

std::vector<std::string> release_argv(const std::string& tool, const QuarantineFile& file,
                                      const std::vector<std::string>& recipients) {
    std::vector<std::string> argv{tool, file.relative_path()};
    if (recipients.empty())
        return argv;
    argv.emplace_back(); // the empty secret_id: the file quarantine keeps none
    argv.insert(argv.end(), recipients.begin(), recipients.end());
    return argv;
}

} // namespace mailng::agent
