// libFuzzer target for the agent's JSON-RPC framing: any line must give a request or
// an error, never a crash or a hang; every answer built from it must be exactly one
// line of valid JSON, and the typed-param helpers must accept any params.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mailng/jsonrpc.h"
#include "mailng/postqueue_json.h"

namespace {

using mailng::jsonrpc::Error;

void expect_one_line(const std::string& line) {
    if (line.empty() || line.find('\n') != line.size() - 1 ||
        !nlohmann::json::accept(std::string_view(line).substr(0, line.size() - 1)))
        std::abort();
}

void read_params(const nlohmann::json& params) {
    namespace rpc = mailng::jsonrpc;
    (void)rpc::required_string_array(params, "queue_ids");
    (void)rpc::optional_string(params, "sender");
    (void)rpc::optional_integer(params, "limit", 1, 1000);
    (void)rpc::optional_bool(params, "all");
    (void)rpc::unknown_param(params, {"queue_ids", "sender", "limit", "all"});
    (void)mailng::queue_filter_from_params(params);
}

void answer(const mailng::jsonrpc::Request& request) {
    expect_one_line(mailng::jsonrpc::format_result(request.id, request.params));
    expect_one_line(mailng::jsonrpc::format_error(request.id,
                                                  mailng::jsonrpc::method_not_found_error(request.method)));
    expect_one_line(mailng::jsonrpc::format_error(
        request.id, mailng::jsonrpc::tool_failed_error(request.method, 1, request.method)));
    read_params(request.params);
}

void handle(std::string_view line, std::size_t limit) {
    auto request = mailng::jsonrpc::parse_request(line, limit);
    if (request)
        answer(*request);
    else
        expect_one_line(mailng::jsonrpc::format_error(request.error()));
}

// The agent's loop: split the stream with a small limit, answer every line.
void split_and_handle(std::string_view bytes) {
    constexpr std::size_t kSmallLimit = 64;
    mailng::jsonrpc::LineSplitter splitter(kSmallLimit);
    std::size_t half = bytes.size() / 2;
    auto lines = splitter.feed(bytes.substr(0, half));
    for (auto& line : splitter.feed(bytes.substr(half)))
        lines.push_back(std::move(line));
    if (auto last = splitter.finish())
        lines.push_back(std::move(*last));
    for (const auto& line : lines) {
        if (line.text.size() > kSmallLimit + 1 || (line.too_long && !line.text.empty()))
            std::abort();
        if (!line.too_long)
            handle(line.text, kSmallLimit);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    handle(bytes, mailng::jsonrpc::kMaxLineBytes);
    split_and_handle(bytes);
    return 0;
}
