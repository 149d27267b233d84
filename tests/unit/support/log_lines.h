// Test support: the log lines a PolicyServer or a service writes, collected from any
// thread, for assertions on what an admin would read in the log.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/policy_server.h"

class LogLines {
public:
    mailng::PolicyLog sink() {
        return [this](std::string_view line) {
            std::lock_guard lock(mutex_);
            lines_.emplace_back(line);
        };
    }
    /// Every line so far, each ended by a newline.
    std::string all() {
        std::lock_guard lock(mutex_);
        std::string text;
        for (const auto& line : lines_)
            text += line + "\n";
        return text;
    }
    bool contains(const std::string& text) { return all().find(text) != std::string::npos; }

private:
    std::mutex mutex_;
    std::vector<std::string> lines_;
};
