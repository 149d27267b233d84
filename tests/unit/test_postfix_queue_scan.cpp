// Reading Postfix queue files directly. The ground truth is `postqueue -j` of the lab's
// Postfix 3.7 for the same files (tests/data/postfix-queue/, see its README.md): every
// captured message must come out exactly as postqueue printed it. Synthetic files
// cover what the lab cannot produce, malformed input in particular.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "mailng/postfix_queue_scan.h"

namespace mailng {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(MAILNG_SOURCE_DIR) / "tests/data/postfix-queue";

// postsuper -e set the group-execute bit of this one when it was captured; git keeps
// no such bit, so the tests supply it.
constexpr std::string_view kForcedExpireId = "7FB7AA9C222";

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << path;
    return {std::istreambuf_iterator<char>(in), {}};
}

std::optional<fs::path> find_named(const fs::path& root, std::string_view name) {
    if (!fs::exists(root))
        return std::nullopt;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file() && entry.path().filename() == name)
            return entry.path();
    return std::nullopt;
}

// postqueue -j prints the null sender as empty_address_recipient; mailng keeps "".
QueueMessage as_mailng_reports(QueueMessage message) {
    if (message.sender == "MAILER-DAEMON")
        message.sender.clear();
    return message;
}

struct Captured {
    QueueMessage expected; // from postqueue -j
    fs::path queue_file;
    std::optional<fs::path> defer_log;
};

std::vector<Captured> captured(const std::string& host) {
    std::vector<Captured> out;
    std::ifstream in(kData / host / "postqueue-j.jsonl");
    for (std::string line; std::getline(in, line);) {
        auto message = parse_postqueue_line(line);
        EXPECT_TRUE(message) << line;
        if (!message)
            continue;
        fs::path queue = kData / host / std::string(to_string(message->queue_name));
        auto file = find_named(queue, message->queue_id);
        EXPECT_TRUE(file) << "no queue file for " << message->queue_id;
        auto defer_log = find_named(kData / host / "defer", message->queue_id);
        if (file)
            out.push_back({as_mailng_reports(std::move(*message)), *file, defer_log});
    }
    return out;
}

QueueFileContext context_for(std::string_view id) {
    QueueFileContext context;
    context.forced_expire = id == kForcedExpireId;
    return context;
}

QueueMessage parse_captured(const Captured& capture) {
    const auto& id = capture.expected.queue_id;
    auto message = parse_queue_file(read_bytes(capture.queue_file), capture.expected.queue_name, id,
                                    context_for(id));
    EXPECT_TRUE(message) << id << ": " << message.error();
    if (!message)
        return {};
    if (capture.defer_log)
        merge_defer_log(*message, parse_defer_log_entries(read_bytes(*capture.defer_log)));
    return std::move(*message);
}

std::vector<std::string> addresses(const QueueMessage& message) {
    std::vector<std::string> out;
    for (const auto& recipient : message.recipients)
        out.push_back(recipient.address);
    return out;
}

void expect_same(const QueueMessage& actual, const QueueMessage& expected) {
    SCOPED_TRACE(expected.queue_id);
    EXPECT_EQ(actual.queue_name, expected.queue_name);
    EXPECT_EQ(actual.queue_id, expected.queue_id);
    EXPECT_EQ(actual.arrival_time, expected.arrival_time);
    EXPECT_EQ(actual.message_size, expected.message_size);
    EXPECT_EQ(actual.forced_expire, expected.forced_expire);
    EXPECT_EQ(actual.sender, expected.sender);
    ASSERT_EQ(addresses(actual), addresses(expected));
    for (std::size_t i = 0; i < expected.recipients.size(); ++i)
        EXPECT_EQ(actual.recipients[i].delay_reason, expected.recipients[i].delay_reason)
            << actual.recipients[i].address;
}

const Captured& capture_of(const std::vector<Captured>& all, std::string_view id) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const Captured& c) { return c.expected.queue_id == id; });
    if (it == all.end())
        throw std::runtime_error("not captured: " + std::string(id));
    return *it;
}

QueueMessage parse_alone(const std::string& host, std::string_view id) {
    const auto all = captured(host);
    const auto& capture = capture_of(all, id);
    auto message =
        parse_queue_file(read_bytes(capture.queue_file), capture.expected.queue_name, id);
    EXPECT_TRUE(message) << message.error();
    return message ? *message : QueueMessage{};
}

// --- captured from the lab --------------------------------------------------------------

TEST(PostfixQueueFile, ReproducesPostqueueJForEveryCapturedMessage) {
    std::size_t checked = 0;
    for (const std::string host : {"thalia", "theano"})
        for (const auto& capture : captured(host)) {
            expect_same(parse_captured(capture), capture.expected);
            ++checked;
        }
    EXPECT_EQ(checked, 12u);
}

TEST(PostfixQueueFile, LeavesOutADeliveredRecipient) {
    // alice@example.edu was delivered: her record type is now REC_TYPE_DONE.
    auto message = parse_alone("theano", "D4900A9C3D1");
    EXPECT_EQ(addresses(message),
              (std::vector<std::string>{"other@NoWhere.Invalid", "user@nowhere.invalid"}));
    EXPECT_EQ(message.sender, "bob@example.edu");
    EXPECT_EQ(message.message_size, 770u);
    EXPECT_EQ(message.arrival_time, 1795652025);
}

TEST(PostfixQueueFile, FollowsPointersToMilterRecipientsThenReadsTheExtractedSegment) {
    // sendmail -t with one command-line recipient; a milter added two more, which live
    // in the heap after the end record, reached through pointer records.
    auto message = parse_alone("thalia", "AD0C2A9C405");
    EXPECT_EQ(addresses(message),
              (std::vector<std::string>{"cmdline@nowhere.invalid", "added1@nowhere.invalid",
                                        "added2@elsewhere.invalid", "to1@nowhere.invalid",
                                        "to2@elsewhere.invalid", "\"cc person\"@nowhere.invalid"}));
}

TEST(PostfixQueueFile, ReadsASenderThatAMilterChanged) {
    // The original sender record was overwritten with a pointer; the milter deleted
    // gone@nowhere.invalid (REC_TYPE_DRCP).
    auto message = parse_alone("thalia", "C47E6A9C404");
    EXPECT_EQ(message.sender, "newsender@example.edu");
    EXPECT_EQ(addresses(message),
              (std::vector<std::string>{"keep@nowhere.invalid", "\"john doe\"@nowhere.invalid"}));
}

TEST(PostfixQueueFile, SkipsAReplacedBodyWithTheSizeRecord) {
    auto message = parse_alone("thalia", "4jZchG2x6Wz1crVy");
    EXPECT_EQ(message.message_size, 406u);
    EXPECT_EQ(addresses(message),
              (std::vector<std::string>{"rb2@nowhere.invalid", "rb-added@nowhere.invalid"}));
}

TEST(PostfixQueueFile, NullSenderIsEmpty) {
    EXPECT_EQ(parse_alone("thalia", "D85CEA9C406").sender, "");
    EXPECT_EQ(parse_alone("thalia", "4jZcXh56STz1crTZ").sender, "");
}

TEST(PostfixQueueFile, MaildropFileHasNoSizeRecordSoTheFileSizeCounts) {
    auto message = parse_alone("thalia", "4jZcXs1TVzz1crTk");
    EXPECT_EQ(message.message_size, 193u);
    EXPECT_EQ(addresses(message),
              (std::vector<std::string>{"md1@nowhere.invalid", "md", "two@nowhere.invalid"}));
}

TEST(PostfixQueueFile, HeldMessageKeepsTheReasonsOfItsLastAttempt) {
    auto all = captured("thalia");
    auto message = parse_captured(capture_of(all, "C2264A9C3C0"));
    ASSERT_EQ(message.recipients.size(), 1u);
    EXPECT_EQ(message.queue_name, QueueName::hold);
    EXPECT_EQ(message.recipients[0].delay_reason, "deferred transport");
}

// Feeding the parser piece by piece, only what it asks for, gives the same result.
TEST(PostfixQueueFile, IncrementalFeedingMatchesTheWholeFile) {
    for (const std::string host : {"thalia", "theano"})
        for (const auto& capture : captured(host)) {
            std::string bytes = read_bytes(capture.queue_file);
            const auto& id = capture.expected.queue_id;
            auto whole = parse_queue_file(bytes, capture.expected.queue_name, id);
            ASSERT_TRUE(whole);
            QueueFileContext context;
            context.size = bytes.size();
            QueueFileParser parser(capture.expected.queue_name, id, context);
            QueueFileParser::Need need{0, 1};
            int feeds = 0;
            for (;; ++feeds) {
                ASSERT_LT(feeds, 10000) << id;
                ASSERT_LE(need.offset + need.length, bytes.size());
                auto next = parser.feed(need.offset,
                                        std::string_view(bytes).substr(need.offset, need.length));
                ASSERT_TRUE(next) << id << ": " << next.error();
                if (!*next)
                    break;
                need = **next;
            }
            expect_same(parser.message(), *whole);
        }
}

// --- synthetic files --------------------------------------------------------------------

std::string rec(char type, std::string_view payload = {}) {
    std::string out(1, type);
    std::size_t length = payload.size();
    do {
        unsigned char byte = length & 0x7f;
        length >>= 7;
        out += static_cast<char>(byte | (length ? 0x80 : 0));
    } while (length);
    return out + std::string(payload);
}

std::string fixed(std::uint64_t value) {
    std::string digits = std::to_string(value);
    return std::string(15 - std::min<std::size_t>(15, digits.size()), ' ') + digits;
}

std::string size_record(std::uint64_t content, std::uint64_t data_offset, std::uint64_t count) {
    return rec('C', fixed(content) + " " + fixed(data_offset) + " " + fixed(count) + " " +
                        fixed(0) + " " + fixed(content) + " " + fixed(0));
}

const std::string kContent = rec('N', "Subject: test") + rec('N', "") + rec('N', "body");

// C (correct), envelope, M, content, X, extracted, E: what cleanup writes.
std::string queue_file(std::string_view envelope, std::string_view extracted = {},
                       std::string_view content = kContent) {
    std::size_t data_offset = size_record(0, 0, 0).size() + envelope.size() + 2;
    return size_record(content.size(), data_offset, 1) + std::string(envelope) + rec('M') +
           std::string(content) + rec('X') + std::string(extracted) + rec('E');
}

const std::string kTime = rec('T', "1795650000 123456");
const std::string kSender = rec('S', "s@example.org");

QueueMessage parsed(const std::string& bytes, QueueFileContext context = {},
                    QueueName queue = QueueName::deferred) {
    auto message = parse_queue_file(bytes, queue, "ABCDEF123", context);
    EXPECT_TRUE(message) << message.error();
    return message ? *message : QueueMessage{};
}

TEST(PostfixQueueFile, MinimalFile) {
    auto message = parsed(queue_file(kTime + kSender + rec('R', "r@example.org")));
    EXPECT_EQ(message.queue_id, "ABCDEF123");
    EXPECT_EQ(message.queue_name, QueueName::deferred);
    EXPECT_EQ(message.arrival_time, 1795650000);
    EXPECT_EQ(message.message_size, kContent.size());
    EXPECT_EQ(message.sender, "s@example.org");
    EXPECT_EQ(addresses(message), std::vector<std::string>{"r@example.org"});
}

TEST(PostfixQueueFile, IgnoresDeliveredCanceledKilledAndPaddingRecords) {
    auto message = parsed(queue_file(kTime + kSender + rec('w', "000") + rec('D', "d@x") +
                                         rec('/', "c@x") + rec('K', "k@x") + rec('O', "o@x") +
                                         rec('A', "a=b") + rec('R', "live@x"),
                                     rec('R', "xtra@x") + rec('D', "xdone@x")));
    EXPECT_EQ(addresses(message), (std::vector<std::string>{"live@x", "xtra@x"}));
}

TEST(PostfixQueueFile, WithoutSizeRecordReadsThroughTheContent) {
    std::string bytes =
        kTime + kSender + rec('R', "r@x") + rec('M') + kContent + rec('X') + rec('E');
    EXPECT_EQ(parsed(bytes).message_size, bytes.size());
}

TEST(PostfixQueueFile, MalformedSizeRecordMeansFileSize) {
    std::string bytes = rec('C', "12a") + kTime + kSender + rec('R', "r@x") + rec('M') + kContent +
                        rec('X') + rec('E');
    EXPECT_EQ(parsed(bytes).message_size, bytes.size());
}

TEST(PostfixQueueFile, MaildropIgnoresAPreliminarySizeRecord) {
    std::string bytes = rec('C', "5") + kTime + kSender + rec('R', "r@x") + rec('M') + kContent +
                        rec('X') + rec('E');
    EXPECT_EQ(parsed(bytes, {}, QueueName::maildrop).message_size, bytes.size());
}

TEST(PostfixQueueFile, TimeAndSizeAreThoseKnownAtTheSenderRecord) {
    // showq reports them when it meets the sender, as postqueue -j shows.
    std::string content = rec('N', "hello world");
    std::string late = kSender + rec('T', "1795650001 1") + size_record(content.size(), 0, 1) +
                       rec('R', "r@x") + rec('M') + content + rec('X') + rec('E');
    QueueFileContext context;
    context.mtime = 1795659999;
    auto message = parsed(late, context);
    EXPECT_EQ(message.arrival_time, 1795659999);
    EXPECT_EQ(message.message_size, late.size());
}

TEST(PostfixQueueFile, ArrivalTimeFallsBackToMtime) {
    QueueFileContext context;
    context.mtime = 1700000000;
    EXPECT_EQ(parsed(queue_file(kSender + rec('R', "r@x")), context).arrival_time, 1700000000);
    EXPECT_EQ(
        parsed(queue_file(rec('T', "-5 1") + kSender + rec('R', "r@x")), context).arrival_time,
        1700000000);
    // A zero time does not count; the next one does.
    EXPECT_EQ(
        parsed(queue_file(rec('T', "0 5") + rec('T', "42 0") + kSender + rec('R', "r@x")), context)
            .arrival_time,
        42);
}

TEST(PostfixQueueFile, ForcedExpireComesFromTheContext) {
    QueueFileContext context;
    context.forced_expire = true;
    EXPECT_TRUE(parsed(queue_file(kTime + kSender + rec('R', "r@x")), context).forced_expire);
}

TEST(PostfixQueueFile, FollowsAPointerIntoTheHeapAndBack) {
    // The envelope's placeholder pointer leads to a recipient appended after the end
    // record, whose own pointer leads back to the record after the placeholder.
    auto build = [](std::uint64_t heap) {
        std::string envelope = kTime + kSender + rec('R', "first@x") + rec('p', fixed(heap));
        return queue_file(envelope + rec('R', "after@x"));
    };
    std::string draft = build(0); // fixed-width pointers: the offsets stay the same
    std::uint64_t back = draft.find(rec('R', "after@x"));
    std::string bytes = build(draft.size()) + rec('R', "heap@x") + rec('p', fixed(back));
    EXPECT_EQ(addresses(parsed(bytes)), (std::vector<std::string>{"first@x", "heap@x", "after@x"}));
}

struct ShownAddress {
    std::string raw;
    std::string shown;
};

// Checked against showq: these files were put in the lab's hold queue and postqueue -j
// printed exactly these (smtputf8_enable = yes).
TEST(PostfixQueueFile, QuotesAndSanitisesAddressesAsShowqDoes) {
    const ShownAddress table[] = {
        {"john doe@x.invalid", "\"john doe\"@x.invalid"},
        {"a..b@x.invalid", "\"a..b\"@x.invalid"},
        {".a@x.invalid", "\".a\"@x.invalid"},
        {"a.@x.invalid", "\"a.\"@x.invalid"},
        {"a\"b@x.invalid", "\"a\\\"b\"@x.invalid"},
        {"@r1,@r2:us er@x.invalid", "@r1,@r2:\"us er\"@x.invalid"},
        {"@r:user@x.invalid", "@r:user@x.invalid"},
        {"user", "user"},
        {"a@b@c.invalid", "\"a@b\"@c.invalid"},
        {"a\\b@x.invalid", "\"a\\\\b\"@x.invalid"},
        {"(c)x@y.invalid", "\"(c)x\"@y.invalid"},
        {"j\xc3\xb6rg@x.invalid", "j\xc3\xb6rg@x.invalid"},
        {"x\t@y.invalid", "\"x?\"@y.invalid"},
        {"a\rb@x.invalid", "\"a\\?b\"@x.invalid"},
        {"[x]@y.invalid", "\"[x]\"@y.invalid"},
        {"x@y\x01z.invalid", "x@y?z.invalid"},
        {"\x80"
         "bad@x.invalid",
         "?bad@x.invalid"},
        {"tail\xc3", "tail?"},
        {"\xff@x.invalid", "?@x.invalid"},
        {"over\xc0\xaf@x.invalid", "over??@x.invalid"},
        {"del\x7f@x.invalid", "\"del?\"@x.invalid"},
        {std::string("nul\0after@x.invalid", 19), "nul"},
        {"sp ace", "\"sp ace\""},
        {"\"already quoted\"@x.invalid", "\"\\\"already quoted\\\"\"@x.invalid"},
        {"@only", "\"\"@only"},
    };
    for (const auto& [raw, shown] : table)
        EXPECT_EQ(addresses(parsed(queue_file(kTime + kSender + rec('R', raw)))),
                  std::vector<std::string>{shown})
            << raw;
}

TEST(PostfixQueueFile, WithoutSmtputf8EveryNonAsciiByteIsReplaced) {
    QueueFileContext context;
    context.utf8 = false;
    auto message =
        parsed(queue_file(kTime + rec('S', "s\xc3\xa9@x") + rec('R', "j\xc3\xb6rg@x")), context);
    EXPECT_EQ(message.sender, "s??@x");
    EXPECT_EQ(addresses(message), std::vector<std::string>{"j??rg@x"});
}

struct Malformed {
    const char* name;
    std::string bytes;
    const char* error_part;
};

std::vector<Malformed> malformed_files() {
    const std::string envelope = kTime + kSender + rec('R', "r@x");
    const std::string good = queue_file(envelope);
    std::string size_past_end =
        size_record(1000, 0, 1) + envelope + rec('M') + kContent + rec('X') + rec('E');
    // Lands on the second content record instead of X.
    std::string size_off_target = size_record(rec('N', "Subject: test").size(), 0, 1) + envelope +
                                  rec('M') + kContent + rec('X') + rec('E');
    return {
        {"empty", "", "end of file"},
        {"type byte only", "T", "record header"},
        {"truncated varint", std::string("R\x80", 2), "record header"},
        {"five length bytes", std::string("R\x80\x80\x80\x80\x01", 6), "too many bytes"},
        {"length past end", rec('S', "s@x").substr(0, 3), "past the end"},
        {"record type 0", rec('\0', "x") + good, "type 0"},
        {"missing M", kTime + kSender + rec('R', "r@x") + rec('X') + rec('E'), "(M)"},
        {"missing E", good.substr(0, good.size() - 2), "end (E) record"},
        {"missing S", queue_file(kTime), "no sender"},
        {"recipient before sender", queue_file(kTime + rec('R', "r@x") + kSender),
         "before the sender"},
        {"two senders", queue_file(envelope + kSender), "second sender"},
        {"size past end", size_past_end, "past the end"},
        {"size misses X", size_off_target, "extracted (X)"},
        {"malformed pointer", queue_file(envelope + rec('p', "12x")), "malformed pointer"},
        {"pointer past end", queue_file(envelope + rec('p', "999999")), "pointer past"},
        {"pointer overflow", queue_file(envelope + rec('p', "99999999999999999999999")),
         "malformed pointer"},
    };
}

TEST(PostfixQueueFile, MalformedInputIsAnError) {
    for (const auto& [name, bytes, error_part] : malformed_files()) {
        auto message = parse_queue_file(bytes, QueueName::deferred, "ABCDEF123");
        ASSERT_FALSE(message) << name;
        EXPECT_NE(message.error().find(error_part), std::string::npos)
            << name << ": " << message.error();
        EXPECT_EQ(message.error().rfind("queue file offset ", 0), 0u) << message.error();
    }
}

TEST(PostfixQueueFile, PointerLoopsEndInAnError) {
    const std::string head = kTime + kSender;
    const std::uint64_t first = head.size(), second = first + rec('p', fixed(0)).size();
    const std::string tail = rec('R', "r@x") + rec('M') + rec('X') + rec('E');
    const std::string loops[] = {
        head + rec('p', fixed(first)) + tail,                           // to itself
        head + rec('p', fixed(second)) + rec('p', fixed(first)) + tail, // to each other
    };
    for (const auto& bytes : loops) {
        auto message = parse_queue_file(bytes, QueueName::deferred, "ABCDEF123");
        ASSERT_FALSE(message);
        EXPECT_NE(message.error().find("loop"), std::string::npos) << message.error();
    }
}

TEST(PostfixQueueFile, TruncatedCapturedFilesAreErrorsAtEveryLength) {
    // Its last record is the end record (no heap), so every cut loses something needed.
    std::string bytes = read_bytes(kData / "theano/deferred/D/D4900A9C3D1");
    for (std::size_t length = 0; length < bytes.size(); ++length)
        EXPECT_FALSE(parse_queue_file(std::string_view(bytes).substr(0, length),
                                      QueueName::deferred, "D4900A9C3D1"))
            << length;
}

// --- defer logs -------------------------------------------------------------------------

TEST(DeferLog, ReadsTheLabsMixedOldAndNewStyleEntries) {
    auto entries = parse_defer_log_entries(read_bytes(kData / "theano/defer/D/D4900A9C3D1"));
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].recipient, "other@NoWhere.Invalid");
    EXPECT_EQ(entries[0].reason,
              "unable to look up host NoWhere.Invalid: Temporary failure in name resolution");
    EXPECT_EQ(entries[1].recipient, "user@nowhere.invalid");
}

std::string entry(std::initializer_list<std::string_view> lines) {
    std::string out;
    for (auto line : lines)
        out += std::string(line) + "\n";
    return out + "\n";
}

// Checked against showq as the address table above.
TEST(DeferLog, EdgeCasesAsShowqReadsThem) {
    std::string log = entry({"<john doe@x.invalid>: old style only"}) +
                      entry({"recipient=", "reason=null"}) + entry({"recipient=user"}) +
                      entry({"reason=no recipient"}) +
                      entry({"  recipient=leading space", "reason=x"}) +
                      entry({"recipient = spaced@x.invalid ", "reason =  spaced reason  "}) +
                      entry({"unknown=1", "recipient=unk@x.invalid", "reason=u"}) +
                      entry({"recipient=ctl\x01@x.invalid", "reason=tab\there \xc3\xa9 \xff"}) +
                      entry({"<>: empty old", "status=4.0.0"}) +
                      "recipient=a..b@x.invalid\nreason=no empty line after this entry\n";
    const DeferLogEntry expected[] = {
        {"john doe@x.invalid", "old style only"},
        {"(MAILER-DAEMON)", "null"},
        {"user", "(description unavailable)"},
        {"(recipient address unavailable)", "no recipient"},
        {"(recipient address unavailable)", "x"},
        {"spaced@x.invalid", "spaced reason"},
        {"unk@x.invalid", "u"},
        {"ctl?@x.invalid", "tab?here \xc3\xa9 ?"},
        {"(MAILER-DAEMON)", "empty old"},
    };
    auto entries = parse_defer_log_entries(log);
    ASSERT_EQ(entries.size(), std::size(expected));
    for (std::size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(entries[i].recipient, expected[i].recipient) << i;
        EXPECT_EQ(entries[i].reason, expected[i].reason) << i;
    }
    EXPECT_EQ(parse_defer_log_entries(log, false)[7].reason, "tab?here ?? ?");
}

TEST(DeferLog, LeadingEmptyLinesAndNulLines) {
    std::string log = "\n\n\n" + entry({"<live@x>: old", "recipient=live@x", "reason=new wins"}) +
                      std::string("\0ignored\n", 9) + entry({"recipient=next@x", "reason=r"});
    auto entries = parse_defer_log_entries(log);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].reason, "new wins");
    EXPECT_EQ(entries[1].recipient, "next@x");
}

TEST(DeferLog, MapKeepsTheLastReasonPerRecipient) {
    auto reasons = parse_defer_log(entry({"recipient=a@x", "reason=first"}) +
                                   entry({"recipient=a@x", "reason=second"}) +
                                   entry({"recipient=b@x", "reason=other"}));
    EXPECT_EQ(reasons.size(), 2u);
    EXPECT_EQ(reasons["a@x"], "second");
    EXPECT_TRUE(parse_defer_log("").empty());
    EXPECT_TRUE(parse_defer_log("recipient=a@x\nreason=being written").empty());
}

TEST(DeferLog, MergeListsLogEntriesFirstThenUnnamedRecipients) {
    // As showq: every log entry (duplicates too, and recipients no longer queued), then
    // the queue file's recipients that the log did not name.
    QueueMessage message;
    message.recipients = {{"dup@x", ""}, {"dup@x", ""}, {"other@x", ""}, {"", ""}};
    merge_defer_log(message, {{"dup@x", "first"}, {"dup@x", "second"}, {"gone@x", "g"}});
    EXPECT_EQ(addresses(message),
              (std::vector<std::string>{"dup@x", "dup@x", "gone@x", "other@x", ""}));
    EXPECT_EQ(message.recipients[1].delay_reason, "second");
    EXPECT_EQ(message.recipients[3].delay_reason, "");
}

// --- scanning a queue directory ----------------------------------------------------------

class TempQueue {
public:
    TempQueue() {
        std::string pattern = (fs::temp_directory_path() / "mailng-qscan-XXXXXX").string();
        root_ = ::mkdtemp(pattern.data());
        for (auto queue :
             {"maildrop", "incoming", "active", "deferred", "hold", "defer", "corrupt"})
            fs::create_directories(root_ / queue);
    }
    ~TempQueue() {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }
    const fs::path& root() const { return root_; }

    void put(const fs::path& relative, const fs::path& source, mode_t mode) {
        fs::create_directories((root_ / relative).parent_path());
        fs::copy_file(source, root_ / relative, fs::copy_options::overwrite_existing);
        ::chmod((root_ / relative).c_str(), mode);
    }

private:
    fs::path root_;
};

// The lab's thalia spool, with the modes Postfix gave its files.
void put_thalia(TempQueue& queue) {
    const fs::path host = kData / "thalia";
    for (const auto& entry : fs::recursive_directory_iterator(host)) {
        if (!entry.is_regular_file() || entry.path().filename() == "postqueue-j.jsonl")
            continue;
        fs::path relative = fs::relative(entry.path(), host);
        std::string top = relative.begin()->string();
        mode_t mode = top == "defer" ? 0600 : top == "maildrop" ? 0744 : 0700;
        if (relative.filename() == kForcedExpireId && top == "deferred")
            mode = 0710;
        queue.put(relative, entry.path(), mode);
    }
}

int showq_rank(QueueName queue) {
    const QueueName order[] = {QueueName::maildrop, QueueName::active, QueueName::incoming,
                               QueueName::deferred, QueueName::hold};
    return static_cast<int>(std::find(std::begin(order), std::end(order), queue) - order);
}

std::vector<QueueMessage> scan_all(const fs::path& root, QueueScanOptions options,
                                   QueueScanStats* stats = nullptr) {
    std::vector<QueueMessage> messages;
    auto scanned = scan_queue(root.string(), options, [&](QueueMessage&& message) {
        messages.push_back(std::move(message));
        return true;
    });
    EXPECT_TRUE(scanned) << scanned.error();
    if (scanned && stats)
        *stats = *scanned;
    return messages;
}

TEST(PostfixQueueScan, ScansARealSpoolLikePostqueue) {
    TempQueue queue;
    put_thalia(queue);
    // Still being written: cleanup has not yet set the owner-execute bit.
    queue.put("incoming/ABCDEF0123", kData / "thalia/hold/A7A73A9C40E", 0600);
    // Not queue files: ignored, not counted.
    queue.put("hold/README", kData / "thalia/postqueue-j.jsonl", 0700);
    queue.put("hold/C2264A9C3C0.tmp", kData / "thalia/postqueue-j.jsonl", 0700);
    // A symbolic link is never followed.
    fs::create_symlink(queue.root() / "hold/A7A73A9C40E", queue.root() / "hold/DEADBEEF01");

    QueueScanOptions options;
    options.delay_reasons = true;
    QueueScanStats stats;
    auto messages = scan_all(queue.root(), options, &stats);
    auto expected = captured("thalia");
    ASSERT_EQ(messages.size(), expected.size());
    EXPECT_EQ(stats.files, expected.size() + 2);
    EXPECT_EQ(stats.unreadable, 2u);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        expect_same(messages[i], capture_of(expected, messages[i].queue_id).expected);
        if (i > 0) {
            EXPECT_LE(showq_rank(messages[i - 1].queue_name), showq_rank(messages[i].queue_name));
        }
    }
}

TEST(PostfixQueueScan, WithoutDelayReasonsListsTheQueueFileOrder) {
    TempQueue queue;
    put_thalia(queue);
    QueueScanOptions options;
    options.queues = {QueueName::deferred};
    for (const auto& message : scan_all(queue.root(), options)) {
        EXPECT_EQ(message.queue_name, QueueName::deferred);
        for (const auto& recipient : message.recipients)
            EXPECT_EQ(recipient.delay_reason, "");
        if (message.queue_id == "AD0C2A9C405") {
            EXPECT_EQ(message.recipients.front().address, "cmdline@nowhere.invalid");
        }
    }
}

TEST(PostfixQueueScan, FindsDeferLogsAtAnyHashDepth) {
    TempQueue queue;
    queue.put("deferred/A/D/AD0C2A9C405", kData / "thalia/deferred/A/AD0C2A9C405", 0700);
    queue.put("defer/A/D/AD0C2A9C405", kData / "thalia/defer/A/AD0C2A9C405", 0600);
    queue.put("hold/C2264A9C3C0", kData / "thalia/hold/C2264A9C3C0", 0700);
    queue.put("defer/C/2/C2264A9C3C0", kData / "thalia/defer/C/C2264A9C3C0", 0600);
    QueueScanOptions options;
    options.delay_reasons = true;
    auto messages = scan_all(queue.root(), options);
    ASSERT_EQ(messages.size(), 2u);
    for (const auto& message : messages)
        for (const auto& recipient : message.recipients)
            EXPECT_EQ(recipient.delay_reason, "deferred transport") << message.queue_id;
}

TEST(PostfixQueueScan, StopsWhenTheHandlerSaysSo) {
    TempQueue queue;
    put_thalia(queue);
    int calls = 0;
    auto scanned = scan_queue(queue.root().string(), {}, [&](QueueMessage&&) {
        ++calls;
        return false;
    });
    ASSERT_TRUE(scanned);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(scanned->files, 1u);
}

TEST(PostfixQueueScan, FilesThatVanishAreCountedNotErrors) {
    TempQueue queue;
    put_thalia(queue);
    QueueScanOptions options;
    options.queues = {QueueName::hold};
    int calls = 0;
    auto scanned = scan_queue(queue.root().string(), options, [&](QueueMessage&&) {
        if (++calls == 1) // qmgr or postsuper moves the rest away meanwhile
            for (const auto& entry : fs::directory_iterator(queue.root() / "hold"))
                fs::remove(entry.path());
        return true;
    });
    ASSERT_TRUE(scanned) << scanned.error();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(scanned->files, 1 + scanned->unreadable);
}

TEST(PostfixQueueScan, MissingDirectoriesAreErrors) {
    auto missing = scan_queue("/nonexistent/mailng-spool", {}, [](QueueMessage&&) { return true; });
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("/nonexistent/mailng-spool"), std::string::npos);
    TempQueue queue;
    fs::remove(queue.root() / "active");
    auto no_active = scan_queue(queue.root().string(), {}, [](QueueMessage&&) { return true; });
    ASSERT_FALSE(no_active);
    EXPECT_NE(no_active.error().find("active"), std::string::npos) << no_active.error();
    EXPECT_FALSE(count_queue_files(queue.root().string(), {QueueName::active}));
}

TEST(PostfixQueueScan, CountsFromDirectoryEntriesAlone) {
    TempQueue queue;
    put_thalia(queue);
    queue.put("incoming/ABCDEF0123", kData / "thalia/hold/A7A73A9C40E", 0600);
    queue.put("hold/README", kData / "thalia/postqueue-j.jsonl", 0700);
    // Unreadable files are counted all the same: nothing is opened.
    queue.put("active/ABCDEF0124", kData / "thalia/hold/A7A73A9C40E", 0000);
    auto counts = count_queue_files(queue.root().string(), {});
    ASSERT_TRUE(counts) << counts.error();
    EXPECT_EQ((*counts)[QueueName::maildrop], 1u);
    EXPECT_EQ((*counts)[QueueName::incoming], 1u);
    EXPECT_EQ((*counts)[QueueName::active], 1u);
    EXPECT_EQ((*counts)[QueueName::deferred], 7u);
    EXPECT_EQ((*counts)[QueueName::hold], 3u);
    auto deferred = count_queue_files(queue.root().string(), {QueueName::deferred});
    ASSERT_TRUE(deferred);
    EXPECT_EQ(deferred->size(), 1u);
}

TEST(PostfixQueueScan, LocatesIdsFromDirectoryEntriesAlone) {
    TempQueue queue;
    put_thalia(queue);
    queue.put("incoming/ABCDEF0123", kData / "thalia/hold/A7A73A9C40E", 0000);
    auto found = locate_queue_files(queue.root().string(),
                                    {"ABCDEF0123", "A7A73A9C40E", "D85CEA9C406", "FFFFFF0000"});
    ASSERT_TRUE(found) << found.error();
    EXPECT_EQ(found->size(), 3u);
    EXPECT_EQ(found->at("ABCDEF0123"), QueueName::incoming);
    EXPECT_EQ(found->at("A7A73A9C40E"), QueueName::hold);
    EXPECT_EQ(found->at("D85CEA9C406"), QueueName::deferred);
    EXPECT_FALSE(found->contains("FFFFFF0000"));
}

} // namespace
} // namespace mailng
