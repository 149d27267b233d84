// libFuzzer target for `postqueue -j` lines: every line must parse or be refused, never
// crash; what parses must survive to_json, the filter and qshape's table.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mailng/postqueue_json.h"

namespace {

mailng::QueueFilter some_filter(std::string_view line) {
    mailng::QueueFilter filter;
    filter.sender_contains = std::string(line.substr(0, 3));
    filter.recipient_domain = "example.org";
    filter.reason_contains = "timed out";
    filter.min_age_seconds = 300;
    return filter;
}

void use(const mailng::QueueMessage& message, std::string_view line,
         mailng::QueueShapeBuilder& by_recipient, mailng::QueueShapeBuilder& by_sender) {
    if (!mailng::is_valid_queue_id(message.queue_id))
        std::abort();
    (void)to_json(message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)mailng::matches({}, message, 1'800'000'000);
    (void)mailng::matches(some_filter(line), message, message.arrival_time);
    by_recipient.add(message);
    by_sender.add(message);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    mailng::QueueShapeBuilder by_recipient(1'800'000'000);
    mailng::QueueShapeOptions sender_options;
    sender_options.by_sender = true;
    sender_options.linear = true;
    mailng::QueueShapeBuilder by_sender(0, sender_options);
    while (!input.empty()) {
        auto end = input.find('\n');
        std::string_view line = input.substr(0, end);
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
        (void)mailng::queue_id_form(line);
        if (auto message = mailng::parse_postqueue_line(line))
            use(*message, line, by_recipient, by_sender);
    }
    auto shape = by_recipient.shape();
    if (shape.headings.size() != shape.total.counts.size())
        std::abort();
    (void)to_json(by_sender.shape()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
