// SPDX-License-Identifier: MIT
#include "core/cpu_limits.hpp"

#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

namespace konnx {

namespace {

std::vector<std::string> lines_of(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, separator);)
        parts.push_back(part);
    return parts;
}

bool has_token(const std::string& list, const std::string& token) {
    const std::vector<std::string> tokens = split(list, ',');
    return std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

/// One cgroup hierarchy this process is in: where it is mounted and the process's cgroup folder inside it.
struct Hierarchy {
    std::string mount_point;  ///< e.g. /sys/fs/cgroup or /sys/fs/cgroup/cpu,cpuacct
    std::string cgroup_dir;   ///< the process's own cgroup folder, under mount_point
};

/// The process's cgroup path in the hierarchy `v2` (the unified one) or in the v1 hierarchy with the cpu
/// controller, from proc/self/cgroup ("0::/path" or "4:cpu,cpuacct:/path"); empty when it is in none.
std::string cgroup_path(const std::string& root, bool v2) {
    for (const std::string& line : lines_of(root + "/proc/self/cgroup")) {
        const std::size_t first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        const std::string controllers = line.substr(first + 1, second - first - 1);
        if (v2 ? line.compare(0, first, "0") == 0 && controllers.empty() : has_token(controllers, "cpu"))
            return line.substr(second + 1);
    }
    return {};
}

/// The hierarchy from proc/self/mountinfo ("id parent dev root mount_point options [tags] - fstype source
/// super_options"): the first cgroup2 mount, or the first v1 cgroup mount with the cpu controller. The cgroup path
/// is relative to the mount's own root (a container sees its cgroup mounted as "/").
bool find_hierarchy(const std::string& root, bool v2, Hierarchy& out) {
    const std::string path = cgroup_path(root, v2);
    if (path.empty()) return false;
    for (const std::string& line : lines_of(root + "/proc/self/mountinfo")) {
        const std::vector<std::string> f = split(line, ' ');
        const auto dash = std::find(f.begin(), f.end(), "-");
        if (f.size() < 5 || dash == f.end() || f.end() - dash < 4) continue;
        const std::string& fstype = dash[1];
        if (v2 ? fstype != "cgroup2" : fstype != "cgroup" || !has_token(dash[3], "cpu")) continue;
        const std::string& mount_root = f[3];
        std::string relative = path;
        if (mount_root != "/" && path.compare(0, mount_root.size(), mount_root) == 0)
            relative = path.substr(mount_root.size());
        else if (mount_root != "/")
            relative.clear();  // the mount shows another part of the tree: its top is as close as we get
        out = {root + f[4], root + f[4] + relative};
        return true;
    }
    return false;
}

/// The quota of one cgroup folder in CPUs (fractional), or 0 for none.
double folder_limit(const std::string& dir, bool v2) {
    double quota = 0, period = 0;
    if (v2) {
        std::ifstream in(dir + "/cpu.max");  // "max 100000" or "200000 100000"
        std::string q;
        if (!(in >> q >> period) || q == "max") return 0;
        quota = std::strtod(q.c_str(), nullptr);
    } else {
        std::ifstream q(dir + "/cpu.cfs_quota_us"), p(dir + "/cpu.cfs_period_us");  // quota -1: none
        if (!(q >> quota) || !(p >> period)) return 0;
    }
    return quota > 0 && period > 0 ? quota / period : 0;
}

/// The tightest limit from the process's cgroup folder up to the hierarchy's mount point (a parent's limit
/// binds its children too).
double hierarchy_limit(const Hierarchy& h, bool v2) {
    double tightest = 0;
    std::string dir = h.cgroup_dir;
    while (!dir.empty() && dir.back() == '/')
        dir.pop_back();
    for (;;) {
        const double limit = folder_limit(dir, v2);
        if (limit > 0 && (tightest == 0 || limit < tightest)) tightest = limit;
        if (dir.size() <= h.mount_point.size()) break;
        const std::size_t slash = dir.rfind('/');
        if (slash == std::string::npos || slash < h.mount_point.size()) break;
        dir.resize(slash);
    }
    return tightest;
}

}  // namespace

int cgroup_cpu_limit(const std::string& root) {
    const std::string base = root == "/" ? "" : root;
    double tightest = 0;
    for (const bool v2 : {true, false}) {
        Hierarchy h;
        if (!find_hierarchy(base, v2, h)) continue;
        const double limit = hierarchy_limit(h, v2);
        if (limit > 0 && (tightest == 0 || limit < tightest)) tightest = limit;
    }
    // 1.5 CPUs of quota: 2 threads use it (each runs part of the time); 0.5: still one thread.
    return tightest > 0 ? std::max(1, static_cast<int>(std::ceil(tightest - 1e-9))) : 0;
}

int physical_cores_among(const std::string& cpuinfo, const std::vector<int>& cpus) {
    const std::set<int> wanted(cpus.begin(), cpus.end());
    std::set<std::pair<int, int>> cores;  // (physical id, core id)
    int processor = -1, physical = 0;
    std::stringstream in(cpuinfo);
    for (std::string line; std::getline(in, line);) {
        const std::size_t colon = line.find(':');
        const int value = colon == std::string::npos ? -1 : std::atoi(line.c_str() + colon + 1);
        if (line.rfind("processor", 0) == 0) {
            processor = value;
            physical = 0;
        }
        if (line.rfind("physical id", 0) == 0) physical = value;
        if (line.rfind("core id", 0) == 0 && wanted.count(processor)) cores.insert({physical, value});
    }
    return static_cast<int>(cores.size());
}

std::vector<int> affinity_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cpus;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    return cpus;
}

int usable_cores(const std::string& root, const std::string& cpuinfo, const std::vector<int>& cpus) {
    int cores = static_cast<int>(std::thread::hardware_concurrency());
    if (!cpus.empty()) {
        cores = static_cast<int>(cpus.size());
        if (const int physical = physical_cores_among(cpuinfo, cpus); physical > 0) cores = std::min(cores, physical);
    }
    if (const int limit = cgroup_cpu_limit(root); limit > 0) cores = cores > 0 ? std::min(cores, limit) : limit;
    return std::max(cores, 1);
}

}  // namespace konnx
