#include "state.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "process.h"

namespace mailng::lab {

using Json = nlohmann::json;

std::vector<DaemonRecord> read_state(const std::string& path) {
    std::ifstream in(path);
    auto json = Json::parse(in, nullptr, false);
    std::vector<DaemonRecord> records;
    if (!json.is_array())
        return records;
    for (const auto& item : json) {
        DaemonRecord record{item.value("host", ""),
                            item.value("name", ""),
                            item.value("pid_file", ""),
                            item.value("pid", 0),
                            {}};
        for (const auto& e : item.value("endpoints", Json::array()))
            record.endpoints.push_back(
                {e.value("address", ""), e.value("port", 0), e.value("service", "")});
        records.push_back(record);
    }
    return records;
}

bool write_state(const std::string& path, const std::vector<DaemonRecord>& records) {
    Json json = Json::array();
    for (const auto& r : records) {
        Json endpoints = Json::array();
        for (const auto& e : r.endpoints)
            endpoints.push_back({{"address", e.address}, {"port", e.port}, {"service", e.service}});
        json.push_back({{"host", r.host},
                        {"name", r.name},
                        {"pid_file", r.pid_file},
                        {"pid", r.pid},
                        {"endpoints", endpoints}});
    }
    std::ofstream out(path + ".tmp", std::ios::trunc);
    out << json.dump(2) << "\n";
    out.close();
    return out && std::rename((path + ".tmp").c_str(), path.c_str()) == 0;
}

int live_pid(const DaemonRecord& record) {
    if (int pid = live_pid_from_file(record.pid_file))
        return pid;
    return process_alive(record.pid) ? record.pid : 0;
}

} // namespace mailng::lab
