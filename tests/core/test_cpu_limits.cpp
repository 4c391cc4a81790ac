// SPDX-License-Identifier: MIT
// cpu_limits: the cores a process may use under a cgroup CPU quota and a CPU affinity mask. Each case builds a fake
// /proc and /sys tree in the layouts the kernel writes (cgroup v2 seen from inside a container and from the host,
// v1 and the hybrid layout of this machine and CI's, Docker's v1 mount roots) and checks the limit against the
// quota its files hold.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "core/cpu_limits.hpp"

namespace konnx {
namespace {

namespace fs = std::filesystem;

class FakeRoot {
public:
    FakeRoot() {
        static int counter = 0;
        root_ = fs::path(testing::TempDir()) /
                ("konnx-cgroup-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(root_);
    }
    ~FakeRoot() { fs::remove_all(root_); }
    FakeRoot& file(const std::string& path, const std::string& text) {
        const fs::path p = root_ / path;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return *this;
    }
    std::string path() const { return root_.string(); }

private:
    fs::path root_;
};

constexpr const char* kV2Mount =
    "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 "
    "cgroup2 rw,nsdelegate,memory_recursiveprot\n";

TEST(CgroupCpuLimit, V2InsideAContainerRoundsTheQuotaUp) {
    FakeRoot r;
    r.file("proc/self/cgroup", "0::/\n").file("proc/self/mountinfo", kV2Mount);
    r.file("sys/fs/cgroup/cpu.max", "250000 100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 3);
    r.file("sys/fs/cgroup/cpu.max", "200000 100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 2);
    r.file("sys/fs/cgroup/cpu.max", "50000 100000\n");  // half a CPU still runs one thread
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 1);
    r.file("sys/fs/cgroup/cpu.max", "max 100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 0);
}

TEST(CgroupCpuLimit, V2TakesTheTightestLimitUpTheHierarchy) {
    FakeRoot r;
    r.file("proc/self/cgroup", "0::/kubepods.slice/pod1.slice/cri-abc.scope\n").file("proc/self/mountinfo", kV2Mount);
    r.file("sys/fs/cgroup/cpu.max", "max 100000\n");  // the root cgroup has no cpu.max on real systems; max here
    r.file("sys/fs/cgroup/kubepods.slice/cpu.max", "max 100000\n");
    r.file("sys/fs/cgroup/kubepods.slice/pod1.slice/cpu.max", "400000 100000\n");
    r.file("sys/fs/cgroup/kubepods.slice/pod1.slice/cri-abc.scope/cpu.max", "max 100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 4);  // the pod's limit binds the container without one
    r.file("sys/fs/cgroup/kubepods.slice/cpu.max", "150000 100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 2);
    r.file("sys/fs/cgroup/kubepods.slice/pod1.slice/cri-abc.scope/cpu.max", "100000 100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 1);
}

TEST(CgroupCpuLimit, V1AndTheHybridLayout) {
    // This machine's layout: v1 controllers each mounted under /sys/fs/cgroup, an empty v2 at .../unified, and
    // the same mounts repeated elsewhere later in mountinfo (the first one counts).
    FakeRoot r;
    r.file("proc/self/cgroup", "4:memory:/x\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n");
    r.file("proc/self/mountinfo",
           "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
           "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
           "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
           "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
           "48 47 0:29 / /srv/other/sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 0);  // no files: no limit
    r.file("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n").file("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 0);
    r.file("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "150000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 2);
    r.file("srv/other/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "100000\n");
    r.file("srv/other/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 2);  // not the later mount
}

TEST(CgroupCpuLimit, V1ControllersMountedTogetherUnderAContainersRoot) {
    // Docker on v1 without a cgroup namespace: the container's cgroup is the mount's root, and
    // /proc/self/cgroup names the host's path for it.
    FakeRoot r;
    r.file("proc/self/cgroup", "5:cpu,cpuacct:/docker/0123abcd\n0::/\n");
    r.file("proc/self/mountinfo",
           "610 600 0:31 /docker/0123abcd /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup rw,cpu,cpuacct\n");
    r.file("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "300000\n");
    r.file("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 3);
}

TEST(CgroupCpuLimit, MissingOrGarbledFilesMeanNoLimit) {
    FakeRoot r;
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 0);  // no proc at all
    r.file("proc/self/cgroup", "garbage\n").file("proc/self/mountinfo", "also garbage - \n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 0);
    r.file("proc/self/cgroup", "0::/\n").file("proc/self/mountinfo", kV2Mount);
    r.file("sys/fs/cgroup/cpu.max", "lots\n");
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 0);
    r.file("sys/fs/cgroup/cpu.max", "100000 0\n");  // a zero period is no quota, not a division by zero
    EXPECT_EQ(cgroup_cpu_limit(r.path()), 0);
}

// Two sockets' worth of /proc/cpuinfo in the kernel's order: 4 logical CPUs, SMT siblings 0+2 and 1+3.
constexpr const char* kSmtCpuinfo =
    "processor\t: 0\nphysical id\t: 0\ncore id\t\t: 0\n\n"
    "processor\t: 1\nphysical id\t: 0\ncore id\t\t: 1\n\n"
    "processor\t: 2\nphysical id\t: 0\ncore id\t\t: 0\n\n"
    "processor\t: 3\nphysical id\t: 0\ncore id\t\t: 1\n\n"
    "processor\t: 4\nphysical id\t: 1\ncore id\t\t: 0\n\n";

TEST(PhysicalCoresAmong, CountsCoresNotSiblingsWithinTheAffinityMask) {
    EXPECT_EQ(physical_cores_among(kSmtCpuinfo, {0, 1, 2, 3, 4}), 3);
    EXPECT_EQ(physical_cores_among(kSmtCpuinfo, {0, 1, 2, 3}), 2);
    EXPECT_EQ(physical_cores_among(kSmtCpuinfo, {0, 2}), 1);  // two siblings: one core
    EXPECT_EQ(physical_cores_among(kSmtCpuinfo, {0, 4}), 2);  // the same core id on two sockets
    EXPECT_EQ(physical_cores_among("processor\t: 0\nmodel name\t: virt\n", {0}), 0);
}

TEST(UsableCores, TheTightestOfCoresAffinityAndQuota) {
    FakeRoot r;
    EXPECT_EQ(usable_cores(r.path(), kSmtCpuinfo, {0, 1, 2, 3}), 2);
    EXPECT_EQ(usable_cores(r.path(), "", {0, 1, 2}), 3);  // no core ids: the affinity mask's size
    r.file("proc/self/cgroup", "0::/\n").file("proc/self/mountinfo", kV2Mount);
    r.file("sys/fs/cgroup/cpu.max", "100000 100000\n");
    EXPECT_EQ(usable_cores(r.path(), kSmtCpuinfo, {0, 1, 2, 3}), 1);
    EXPECT_EQ(usable_cores(r.path(), "", {}), 1);
}

TEST(UsableCores, ThisProcessStaysWithinItsAffinityMask) {
    const std::vector<int> cpus = affinity_cpus();
    ASSERT_FALSE(cpus.empty());
    EXPECT_LE(cpus.size(), std::thread::hardware_concurrency());
    std::ifstream in("/proc/cpuinfo");
    const std::string cpuinfo{std::istreambuf_iterator<char>(in), {}};
    const int cores = usable_cores("/", cpuinfo, cpus);  // what physical_cores() answers
    EXPECT_GE(cores, 1);
    EXPECT_LE(cores, static_cast<int>(cpus.size()));
}

}  // namespace
}  // namespace konnx
