// libFuzzer target for the cluster file parser: any bytes must give either a Cluster or
// a list of Problems, never a crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mailng/cluster.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto cluster = mailng::parse_cluster(text, "fuzz.toml");
    if (!cluster)
        for (const auto& problem : cluster.error())
            (void)problem.to_string();
    return 0;
}
