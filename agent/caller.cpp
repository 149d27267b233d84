#include "caller.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace mailng::agent {

std::string current_caller() {
    uid_t uid = getuid();
    if (uid == 0) {
        const char* sudo_user = std::getenv("SUDO_USER");
        if (sudo_user && *sudo_user)
            return sudo_user;
    }
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found)
        return found->pw_name;
    return "uid:" + std::to_string(uid);
}

} // namespace mailng::agent
