#pragma once
// A local cluster (3 etcd members, 3 nodes) started by scripts/cluster.sh on free loopback
// ports, for end-to-end tests: the same command the README gives users. Stopped (and its
// directory removed) by the destructor.

#include <nlohmann/json.hpp>

#include "process.hpp"

namespace pv::e2e {

class LocalCluster {
 public:
  // `node_args`: extra `pv node start` arguments for every node (PV_NODE_ARGS).
  // `etcd_args`: extra etcd arguments for every member (PV_ETCD_ARGS).
  explicit LocalCluster(std::string node_args = {}, std::string etcd_args = {}) {
    std::string ports;
    for (int i = 0; i < 9; ++i) ports += (i ? "," : "") + std::to_string(free_port());
    env_ = {"PV_CLUSTER_DIR=" + dir_.path() + "/cluster", "PV_CLUSTER_PORTS=" + ports,
            "PV_BIN=" + pv_bin(), "PV_NODE_ARGS=" + node_args, "PV_ETCD_ARGS=" + etcd_args};
  }
  ~LocalCluster() { script("clean"); }

  // Starts whatever is not running; reads cluster.json. `tls`: the first start makes a
  // throwaway CA and certificates and runs everything over https (cluster.sh start --tls).
  bool start(bool tls = false) {
    last_ = tls ? script("start", "--tls") : script("start");
    if (!last_.ok()) return false;
    info_ = nlohmann::json::parse(read_text_file(dir_.path() + "/cluster/cluster.json"), nullptr,
                                  false);
    return info_.is_object();
  }
  Completed script(const std::string& command, const std::string& option = {}) {
    std::vector<std::string> argv = {"bash", std::string(PV_SOURCE_DIR) + "/scripts/cluster.sh",
                                     command};
    if (!option.empty()) argv.push_back(option);
    return run(argv, env_, std::chrono::seconds(120));
  }
  std::string dir() const { return dir_.path() + "/cluster"; }
  const Completed& last() const { return last_; }

  std::string node_url(int i) const { return info_["nodes"][i].get<std::string>(); }
  int node_port(int i) const { return std::stoi(node_url(i).substr(node_url(i).rfind(':') + 1)); }
  std::string etcd_url(int i) const { return info_["etcd"][i].get<std::string>(); }
  pid_t node_pid(int i) const { return info_["nodePids"][i].get<pid_t>(); }
  pid_t etcd_pid(int i) const { return info_["etcdPids"][i].get<pid_t>(); }
  std::string node_log(int i) const {
    return dir_.path() + "/cluster/node" + std::to_string(i + 1) + "/pv-node.log";
  }
  std::string node_dir(int i) const {
    return dir_.path() + "/cluster/node" + std::to_string(i + 1);
  }

  // kill -9 and reap nothing (the script started them; they are not our children).
  static void kill9(pid_t pid) {
    ::kill(pid, SIGKILL);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

 private:
  TempDir dir_;
  std::vector<std::string> env_;
  Completed last_;
  nlohmann::json info_;
};

}  // namespace pv::e2e
