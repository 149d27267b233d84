// Reading a Postfix queue directory directly and read-only, as qshape does: the
// envelope records of each queue file, and the defer logs for delay reasons. This is
// the agent's fast path for queue.list / queue.summary; `postqueue -j` stays the
// fallback (no read permission, an unknown record layout) and the ground truth in tests.
//
// Queue file format: Postfix's rec_type.h / record.c (type byte, length as base-128
// little-endian varint, payload). The envelope segment runs from the start to the
// REC_TYPE_MESG record; recipients may also follow the message in the extracted
// segment (REC_TYPE_XTRA onwards) up to REC_TYPE_END. Records that cleanup(8) changes
// after writing them (a milter adds recipients or headers, changes the sender) are
// moved to a heap after REC_TYPE_END and spliced in with REC_TYPE_PTR records. A
// recipient that was delivered has had its type byte overwritten with
// REC_TYPE_DONE/REC_TYPE_DRCP and is not listed, as showq does not list it.
//
// The reading follows showq(8) (Postfix 3.7), which is what `postqueue -j` prints:
// records are read in pointer order (as rec_get() follows REC_TYPE_PTR) up to
// REC_TYPE_END, the message content is skipped with the size record, and addresses are
// shown quoted (quote_822_local) with unprintable bytes replaced by '?'.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/postqueue_json.h"
#include "mailng/queue_id.h"
#include "mailng/result.h"

namespace mailng {

/// What showq takes from outside the bytes of a queue file: its stat() and main.cf.
struct QueueFileContext {
    /// st_size: the message_size of a file without a usable size record (maildrop),
    /// and the limit of every offset. Default: the length of the bytes given.
    std::optional<std::uint64_t> size;
    std::int64_t mtime = 0;     // st_mtime: the arrival_time of a file without a time record
    bool forced_expire = false; // the group-execute bit (S_IXGRP) that postsuper -e sets
    /// smtputf8_enable (yes since compatibility_level 1): showq then keeps byte sequences
    /// that look like UTF-8; otherwise every byte outside printable ASCII becomes '?'.
    bool utf8 = true;
};

/// What the envelope of one queue file says. Fills a QueueMessage exactly as
/// `postqueue -j` would describe it (same sender, recipients, arrival_time,
/// message_size, forced_expire), with two differences:
/// - the null sender (and a null recipient) is "", where showq prints
///   empty_address_recipient ("MAILER-DAEMON");
/// - recipients are in queue file order and have no delay_reason. showq lists the
///   recipients of the defer log first; merge_defer_log() restores that order.
/// Errors: the bytes are not a complete Postfix queue file (the message says what is
/// wrong and at which offset); such files are skipped by the scanner and counted.
/// Never reads outside `bytes`; time and memory are linear in their length.
Result<QueueMessage, std::string> parse_queue_file(std::string_view bytes, QueueName queue,
                                                   std::string_view queue_id);
Result<QueueMessage, std::string> parse_queue_file(std::string_view bytes, QueueName queue,
                                                   std::string_view queue_id,
                                                   const QueueFileContext& context);

/// The parser behind parse_queue_file(), fed in pieces so that a reader fetches only
/// the records it needs: the envelope at the start of the file, then (after skipping
/// the message content) the extracted segment and any heap records pointed to.
class QueueFileParser {
public:
    /// `context.size` must be set: it is the file's length.
    QueueFileParser(QueueName queue, std::string_view queue_id, const QueueFileContext& context);

    /// Bytes wanted next: at least `length` bytes of the file from `offset`
    /// (`length` never reaches past the end of the file).
    struct Need {
        std::uint64_t offset = 0;
        std::size_t length = 0;
    };

    /// Parses what it can of `bytes`, which are the file's bytes from `offset`. Returns
    /// what it needs next, nullopt when the message is complete (see message()), or the
    /// error. Given at least the bytes it asked for, it always makes progress.
    Result<std::optional<Need>, std::string> feed(std::uint64_t offset, std::string_view bytes);

    /// The message, once feed() returned nullopt.
    QueueMessage& message() { return message_; }

private:
    struct Record;
    enum class Step { next, done };

    Need need_header() const;
    Result<std::optional<Need>, std::string> locate(std::uint64_t offset, std::string_view bytes,
                                                    Record& record,
                                                    std::string_view& payload) const;
    Result<Step, std::string> handle(const Record& record, std::string_view payload);
    Result<Step, std::string> on_size(std::string_view payload);
    Result<Step, std::string> on_sender(const Record& record, std::string_view payload);
    Result<Step, std::string> on_recipient(const Record& record, std::string_view payload);
    Result<Step, std::string> on_message_start(const Record& record);
    Result<Step, std::string> on_pointer(const Record& record, std::string_view payload);
    Result<Step, std::string> on_end(const Record& record);

    QueueMessage message_;
    QueueFileContext context_;
    std::uint64_t size_ = 0;      // the file's length
    std::uint64_t position_ = 0;  // offset of the next record to read
    std::uint64_t traversed_ = 0; // bytes of records read so far (bounds pointer loops)
    std::int64_t arrival_time_ = 0;
    std::uint64_t message_size_ = 0;
    bool size_ok_ = false; // a valid size record was seen
    bool sender_seen_ = false;
    bool content_seen_ = false; // the REC_TYPE_MESG record
    bool expect_xtra_ = false;  // the size record's jump must land on REC_TYPE_XTRA
};

/// One entry of a defer (or bounce) log: a recipient and why it was not delivered, as
/// showq reads it (bounce_log.c): printable, "(MAILER-DAEMON)" for the null address,
/// placeholders for a missing recipient or reason.
struct DeferLogEntry {
    std::string recipient;
    std::string reason;
};

/// Parses a defer (or bounce) log file: its per-recipient attribute blocks
/// (recipient=..., reason=..., old-style "<recipient>: reason" lines too), separated by
/// empty lines; a block that no empty line ends yet (still being written) is left out.
/// In file order, which is the order showq lists them in.
std::vector<DeferLogEntry> parse_defer_log_entries(std::string_view bytes, bool utf8 = true);

/// The same, as recipient -> reason (the last one wins).
std::map<std::string, std::string> parse_defer_log(std::string_view bytes);

/// Gives `message` (from parse_queue_file) showq's recipient list: every defer log
/// entry with its reason, then the queue file's recipients that the log did not name.
void merge_defer_log(QueueMessage& message, const std::vector<DeferLogEntry>& log);

struct QueueScanOptions {
    /// Empty: maildrop, active, incoming, deferred, hold, in the order showq reads them.
    std::vector<QueueName> queues;
    /// Read defer/ logs of deferred and held messages (a message keeps the defer log of
    /// its last delivery attempt when it is put on hold, and postqueue -j shows it).
    bool delay_reasons = false;
    bool utf8 = true; // see QueueFileContext::utf8
};

struct QueueScanStats {
    std::uint64_t files = 0;      // queue files seen
    std::uint64_t unreadable = 0; // skipped: vanished, incomplete or malformed
};

/// Calls `on_message` for every readable queue file under `queue_dir` (the
/// queue_directory), queue by queue, in directory order (as showq: hashed
/// subdirectories, one-character names, are entered where they are found; maildrop is
/// flat); stops when it returns false. Entries whose names are not queue ids are
/// ignored. Files still being written (owner permissions not rwx, as showq checks) are
/// skipped and counted unreadable, as are files that vanish during the scan (qmgr moves
/// them) and malformed ones. Files are opened read-only, never through a symbolic link,
/// and only their envelope is read. Memory does not grow with the number of files.
/// Errors: `queue_dir` itself or a queue directory cannot be read (permission, absent).
using QueueMessageHandler = std::function<bool(QueueMessage&& message)>;
Result<QueueScanStats, std::string> scan_queue(const std::string& queue_dir,
                                               const QueueScanOptions& options,
                                               const QueueMessageHandler& on_message);

/// How many queue files each queue holds, from directory entries alone (no file is
/// opened, so files still being written count), for host.status and an unfiltered
/// queue.list's total.
Result<std::map<QueueName, std::uint64_t>, std::string>
count_queue_files(const std::string& queue_dir, const std::vector<QueueName>& queues);

/// Reads the defer logs of `messages` (those in deferred or hold) and merges their
/// delay reasons, as scan_queue does with delay_reasons set: for a page of messages
/// scanned without them. Errors: `queue_dir` cannot be opened.
Result<bool, std::string> add_delay_reasons(const std::string& queue_dir,
                                            std::vector<QueueMessage>& messages,
                                            bool utf8 = true);

/// Where each of `ids` is queued now (maildrop, incoming, active, deferred, hold), from
/// directory entries alone; ids not queued are absent from the result. Stops walking
/// once all are found. Errors: as count_queue_files.
Result<std::map<std::string, QueueName>, std::string>
locate_queue_files(const std::string& queue_dir, const std::set<std::string, std::less<>>& ids);

} // namespace mailng
