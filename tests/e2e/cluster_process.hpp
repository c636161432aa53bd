#pragma once
// A local cluster (3 etcd members, 3 nodes) started by scripts/cluster.sh on free loopback
// ports, for end-to-end tests: the same command the README gives users. Stopped (and its
// directory removed) by the destructor.

#include <nlohmann/json.hpp>

#include <cctype>

#include "process.hpp"

namespace pv::e2e {

class LocalCluster {
 public:
  // `node_args`: extra `pv node start` arguments for every node (PV_NODE_ARGS).
  // `etcd_args`: extra etcd arguments for every member (PV_ETCD_ARGS).
  explicit LocalCluster(std::string node_args = {}, std::string etcd_args = {}) {
    env_ = {"PV_CLUSTER_DIR=" + dir_.path() + "/cluster", "PV_CLUSTER_PORTS=" + fresh_ports(),
            "PV_BIN=" + pv_bin(), "PV_NODE_ARGS=" + node_args, "PV_ETCD_ARGS=" + etcd_args};
  }
  ~LocalCluster() { script("clean"); }

  // Starts whatever is not running; reads cluster.json. `tls`: the first start makes a
  // throwaway CA and certificates and runs everything over https (cluster.sh start --tls).
  // A first start that lost one of its ports to another process between free_port() and the
  // listen (tests run two at a time) is cleaned and tried once more on fresh ports.
  bool start(bool tls = false) {
    const bool first = !info_.is_object();
    last_ = tls ? script("start", "--tls") : script("start");
    if (!last_.ok() && first && lost_a_port()) {
      script("clean");
      env_[1] = "PV_CLUSTER_PORTS=" + fresh_ports();
      last_ = tls ? script("start", "--tls") : script("start");
    }
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

  // Waits (up to 30 s a node) until every node sees its two peers in etcd (an anchor's content is
  // replicated to a peer before the anchor is accepted).
  void wait_for_peers() const {
    for (int i = 0; i < 3; ++i)
      for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
           std::chrono::steady_clock::now() < deadline;) {
        auto r = httplib::Client("127.0.0.1", node_port(i)).Get("/metrics");
        if (r && r->body.find("\npv_cluster_peers 2") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
  }

  // kill -9 and reap nothing (the script started them; they are not our children).
  static void kill9(pid_t pid) {
    ::kill(pid, SIGKILL);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

 private:
  static std::string fresh_ports() {
    std::string ports;
    for (int i = 0; i < 9; ++i) ports += (i ? "," : "") + std::to_string(free_port());
    return ports;
  }
  // "address already in use" in the script's output or in an etcd member's or node's log.
  bool lost_a_port() const {
    const std::string needle = "address already in use";
    auto has = [&](const std::string& text) {
      std::string lower = text;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return lower.find(needle) != std::string::npos;
    };
    if (has(last_.out) || has(last_.err)) return true;
    for (int i = 1; i <= 3; ++i) {
      const std::string n = std::to_string(i);
      for (const std::string& f : {dir() + "/etcd" + n + ".log", dir() + "/node" + n + ".out",
                                   dir() + "/node" + n + "/pv-node.log"})
        if (std::filesystem::exists(f) && has(read_text_file(f))) return true;
    }
    return false;
  }

  TempDir dir_;
  std::vector<std::string> env_;
  Completed last_;
  nlohmann::json info_;
};

}  // namespace pv::e2e
