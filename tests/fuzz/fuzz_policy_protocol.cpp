// libFuzzer target for the policy delegation reader: any bytes, arriving in two pieces
// split anywhere, must give requests and at most one error, never a crash, a hang or
// undefined behaviour; and every request must answer with a well-formed reply.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mailng/policy_protocol.h"

namespace {

// Small limits so that the fuzzer reaches every limit with short inputs.
constexpr mailng::PolicyLimits kLimits{.max_line = 64, .max_attributes = 8,
                                       .max_request_bytes = 256};

void answer(const mailng::PolicyRequest& request) {
    // The reader lets through no CR, LF or NUL, so every recipient can be answered, and
    // a reply with a second line could answer a request that was never asked.
    auto reply = mailng::format_reply(mailng::reject_unknown_user(request.recipient));
    if (!reply || reply->find('\n') != reply->size() - 2)
        std::abort();
    auto address = mailng::normalise_recipient(request.recipient, "+-");
    if (address)
        (void)address->address();
}

void feed(mailng::PolicyRequestReader& reader, std::string_view bytes) {
    auto result = reader.feed(bytes);
    for (const auto& request : result.requests)
        answer(request);
    if (result.error)
        (void)result.error->to_string();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::size_t split = size == 0 ? 0 : data[0] % size;
    mailng::PolicyRequestReader reader(kLimits);
    feed(reader, bytes.substr(0, split));
    feed(reader, bytes.substr(split));
    mailng::PolicyRequestReader unlimited;
    feed(unlimited, bytes);
    return 0;
}
