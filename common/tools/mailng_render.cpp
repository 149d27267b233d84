// mailng-render: renders configuration from a cluster file, for inspection and for the
// validator tests.
//
//   mailng-render --template FILE --context CONTEXT.json     one template, to stdout
//   mailng-render --cluster FILE --host NAME [--out DIR]     every file of NAME's role;
//                 with --out, written below DIR (absolute paths re-rooted), else listed
// Exit codes: 0 rendered, 1 render failure, 2 bad cluster file or usage.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "mailng/cluster.h"
#include "mailng/render.h"

namespace {

using Args = std::map<std::string, std::string>;

bool parse_args(int argc, char** argv, Args& args) {
    for (int i = 1; i < argc; i += 2) {
        std::string key = argv[i];
        if (key.rfind("--", 0) != 0 || i + 1 >= argc)
            return false;
        args[key.substr(2)] = argv[i + 1];
    }
    return true;
}

int usage() {
    std::cerr << "usage: mailng-render --template FILE --context CONTEXT.json\n"
                 "       mailng-render --cluster FILE --host NAME [--out DIR]"
                 " [--template-dir DIR]\n";
    return 2;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int render_one(const Args& args) {
    auto context = nlohmann::json::parse(slurp(args.at("context")), nullptr, false);
    if (context.is_discarded()) {
        std::cerr << args.at("context") << ": not valid JSON\n";
        return 2;
    }
    auto text = mailng::render_template(slurp(args.at("template")), context);
    if (!text) {
        std::cerr << args.at("template") << ": " << text.error() << "\n";
        return 1;
    }
    std::cout << *text;
    return 0;
}

int write_below(const std::string& out_dir, const mailng::RenderedFile& file) {
    auto target = std::filesystem::path(out_dir) / std::filesystem::path(file.path).relative_path();
    std::filesystem::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out << file.content;
    out.close();
    std::filesystem::permissions(target, static_cast<std::filesystem::perms>(file.mode));
    if (!out) {
        std::cerr << target.string() << ": cannot write\n";
        return 1;
    }
    std::cout << target.string() << "\n";
    return 0;
}

int render_cluster_host(const Args& args) {
    auto cluster = mailng::load_cluster(args.at("cluster"));
    if (!cluster) {
        for (const auto& problem : cluster.error())
            std::cerr << problem.to_string() << "\n";
        return 2;
    }
    const auto* host = cluster->find_host(args.at("host"));
    if (!host) {
        std::cerr << args.at("cluster") << ": no host named " << args.at("host") << "\n";
        return 2;
    }
    auto dir =
        args.count("template-dir") ? args.at("template-dir") : mailng::default_template_dir();
    auto files = mailng::render_host(*cluster, *host, {}, dir);
    if (!files) {
        std::cerr << files.error() << "\n";
        return 1;
    }
    for (const auto& file : *files) {
        if (!args.count("out"))
            std::cout << file.path << "\n";
        else if (int rc = write_below(args.at("out"), file); rc != 0)
            return rc;
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parse_args(argc, argv, args))
        return usage();
    if (args.count("template") && args.count("context"))
        return render_one(args);
    if (args.count("cluster") && args.count("host"))
        return render_cluster_host(args);
    return usage();
}
