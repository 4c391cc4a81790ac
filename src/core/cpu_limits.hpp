// SPDX-License-Identifier: MIT
// How many cores this process may really use: the machine's physical cores, narrowed by its CPU affinity
// (taskset, cpuset) and its cgroup CPU quota (a container's or Kubernetes pod's CPU limit). Thread pools sized by
// the machine alone oversubscribe a pod with a 2-CPU limit on a 64-core node: the quota throttles every thread.
// physical_cores() (parallel.hpp) is the cached answer for this process; the functions here take their inputs
// explicitly so tests can feed them fake /proc and /sys trees.
#pragma once

#include <string>
#include <vector>

namespace konnx {

/// The CPU limit of this process's cgroups, in whole CPUs rounded up, read from the file-system tree at `root`
/// ("/" for the real one; tests pass a folder holding proc/self/{cgroup,mountinfo} and the cgroup files): the
/// tightest of cgroup v2's cpu.max and v1's cpu.cfs_quota_us / cpu.cfs_period_us from the process's own cgroup up
/// to its hierarchy's mount point. 0 when no limit is set or the files cannot be read.
int cgroup_cpu_limit(const std::string& root);

/// Distinct physical cores (physical id, core id) among the logical CPUs `cpus`, from a /proc/cpuinfo text; 0 when
/// the text names no core ids for them (some virtual machines and architectures).
int physical_cores_among(const std::string& cpuinfo, const std::vector<int>& cpus);

/// The logical CPUs this process may run on (sched_getaffinity); empty when unknown.
std::vector<int> affinity_cpus();

/// min(physical cores among the affinity CPUs, affinity CPUs, cgroup CPU limit), at least 1; each part that is
/// unknown is skipped, down to std::thread::hardware_concurrency().
int usable_cores(const std::string& root, const std::string& cpuinfo, const std::vector<int>& cpus);

}  // namespace konnx
