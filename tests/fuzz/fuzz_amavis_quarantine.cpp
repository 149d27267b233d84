// libFuzzer target for amavisd quarantine files: the first line is the file name, the
// rest the (decompressed) content. Any bytes must give an entry or an error, never a
// crash; a parsed name must round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mailng/amavis_quarantine.h"

namespace {

void check_name(std::string_view name) {
    auto parsed = mailng::parse_quarantine_file_name(name);
    if (parsed && mailng::quarantine_file_name(parsed->type, parsed->mail_id, parsed->gzipped) != name)
        std::abort();
}

void parse(std::string_view name, std::string_view content, std::size_t cap) {
    auto entry = mailng::parse_quarantine_file(name, content, cap);
    if (!entry)
        return;
    if (!mailng::is_valid_mail_id(entry->mail_id))
        std::abort();
    (void)to_json(*entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto end = input.find('\n');
    std::string_view name = input.substr(0, end);
    std::string_view content = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
    check_name(name);
    parse(name, content, 64);
    parse(name, content, mailng::kMaxQuarantineHeaderBytes);
    (void)mailng::envelope_addresses(content);
    return 0;
}
