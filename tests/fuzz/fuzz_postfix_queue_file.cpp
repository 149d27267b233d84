// libFuzzer target for Postfix queue files and defer logs: every input must parse or
// be refused, never crash or read out of bounds; feeding the parser in pieces, as the
// directory scanner does, must give exactly what parsing the whole buffer gives.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mailng/postfix_queue_scan.h"

namespace {

using mailng::QueueFileContext;
using mailng::QueueFileParser;
using mailng::QueueMessage;
using mailng::QueueName;
using Parsed = mailng::Result<QueueMessage, std::string>;

void check(bool condition) {
    if (!condition)
        std::abort();
}

// Reads as the scanner does: what the parser asks for, plus `extra` bytes.
Parsed parse_in_pieces(std::string_view input, QueueName queue, const QueueFileContext& context,
                       std::size_t extra) {
    QueueFileContext sized = context;
    sized.size = input.size();
    QueueFileParser parser(queue, "ABCDEF123", sized);
    QueueFileParser::Need need{0, 0};
    for (;;) {
        check(need.offset + need.length <= input.size());
        auto next = parser.feed(need.offset, input.substr(need.offset, need.length + extra));
        if (!next)
            return mailng::unexpected(next.error());
        if (!*next)
            return std::move(parser.message());
        need = **next;
    }
}

bool same(const QueueMessage& a, const QueueMessage& b) {
    if (a.sender != b.sender || a.arrival_time != b.arrival_time ||
        a.message_size != b.message_size || a.recipients.size() != b.recipients.size())
        return false;
    for (std::size_t i = 0; i < a.recipients.size(); ++i)
        if (a.recipients[i].address != b.recipients[i].address)
            return false;
    return true;
}

bool printable(std::string_view text) {
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f)
            return false;
    return true;
}

void check_message(const QueueMessage& message) {
    check(printable(message.sender));
    for (const auto& recipient : message.recipients)
        check(printable(recipient.address) && recipient.delay_reason.empty());
}

void fuzz_queue_file(std::string_view input, QueueName queue, bool utf8) {
    QueueFileContext context;
    context.utf8 = utf8;
    context.mtime = 1'800'000'000;
    auto whole = mailng::parse_queue_file(input, queue, "ABCDEF123", context);
    auto pieces = parse_in_pieces(input, queue, context, input.size() % 7);
    check(whole.has_value() == pieces.has_value());
    if (!whole) {
        check(whole.error() == pieces.error());
        return;
    }
    check(same(*whole, *pieces));
    check_message(*whole);
}

void fuzz_defer_log(std::string_view input, bool utf8) {
    auto entries = mailng::parse_defer_log_entries(input, utf8);
    for (const auto& entry : entries)
        check(!entry.recipient.empty() && !entry.reason.empty() && printable(entry.recipient) &&
              printable(entry.reason));
    auto reasons = mailng::parse_defer_log(input);
    check(reasons.size() <= entries.size());
    QueueMessage message;
    message.recipients = {{"a@example.org", ""}, {"", ""}};
    mailng::merge_defer_log(message, entries);
    check(message.recipients.size() >= entries.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    bool utf8 = size % 2 == 0;
    fuzz_queue_file(input, QueueName::deferred, utf8);
    fuzz_queue_file(input, QueueName::maildrop, !utf8);
    fuzz_defer_log(input, utf8);
    return 0;
}
