// The subcommands of the holdfast program.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}  // namespace CLI

namespace holdfast::cli {

inline constexpr const char* kVersion = "holdfast 0.1.0";

// Exit statuses shared by the subcommands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;  // failed while running (store, sockets)
inline constexpr int kExitConfig = 2;   // configuration or zone file rejected; nothing changed
// sim: some schedule broke a safety or liveness property.
inline constexpr int kExitViolations = 3;
// reload: no running `holdfast up` for that configuration's data_dir.
inline constexpr int kExitNotRunning = 3;

// `holdfast up`: loads and checks everything, opens the store, serves DNS and runs the control
// plane until SIGINT or SIGTERM. Returns the process exit status.
[[nodiscard]] int runUp(const std::string& config_path);

// `holdfast check-config`: loads the configuration and every zone file and reports the first
// error, touching nothing on disk.
[[nodiscard]] int runCheckConfig(const std::string& config_path);

// Command line of `holdfast reload`.
struct ReloadFlags {
  std::string config_path;      // the configuration the running `holdfast up` was started with
  double timeout_seconds = 30;  // how long to wait for the outcome
};

// Adds the `reload` subcommand to `app`, filling `flags` when it is parsed.
CLI::App* addReloadCommand(CLI::App& app, ReloadFlags& flags);

// `holdfast reload`: finds the `holdfast up` of the configuration's data_dir (its pid file),
// sends it SIGHUP and waits for the reload status it writes. Returns kExitOk when it reloaded,
// kExitRuntime when the reload failed (the old data is still served; the error is printed),
// kExitConfig for a usage or configuration error, kExitNotRunning when no server runs.
[[nodiscard]] int runReload(const ReloadFlags& flags);

// Command line of `holdfast serve`.
struct ServeOptions {
  std::vector<std::string> listen;        // "127.0.0.1:5300", "[::1]:5300"; port 0 picks one
  std::vector<std::string> zone_files;    // one zone each; origin from $ORIGIN or the SOA owner
  std::size_t threads = 0;                // 0: one per core this process may run on
  std::size_t max_tcp_connections = 512;  // open at once, over all workers
  std::string nsid;                       // NSID option (RFC 5001); empty: off
  std::string identity;                   // CHAOS TXT id.server. and hostname.bind.; empty: REFUSED
  std::string version;  // CHAOS TXT version.server. and version.bind.; empty: REFUSED
  std::string log_level = "info";
};

// Adds the `serve` subcommand to `app`, filling `options` when it is parsed; both must outlive
// the parse.
CLI::App* addServeCommand(CLI::App& app, ServeOptions& options);

// `holdfast serve`: serves zone files without a configuration or store until SIGINT or SIGTERM;
// SIGHUP reloads every file, and a reload that fails keeps the zones being served. Returns the
// process exit status.
[[nodiscard]] int runServe(const ServeOptions& options);

// Command line of `holdfast resolver`; flags given override the configuration file.
struct ResolverFlags {
  std::string config_path;             // YAML with a resolver: section; empty: flags only
  std::vector<std::string> listen;     // default 127.0.0.1:5354
  std::vector<std::string> upstreams;  // "address[:port]"
  std::vector<std::string> allow;      // client networks; default loopback only
  std::size_t threads = 0;             // 0: the file's or the default
  bool no_serve_stale = false;
  std::string log_level;              // empty: the file's or info
  std::string metrics;                // address:port of /metrics; empty: the file's or off
  std::vector<std::string> webhooks;  // alert URLs; replace the file's when given
  std::string data_dir;               // resolver.json and token; empty: the file's or default
  std::string token_file;             // cache API token; empty: the file's or data_dir's
};

// Adds the `resolver` subcommand to `app`, filling `flags` when it is parsed.
CLI::App* addResolverCommand(CLI::App& app, ResolverFlags& flags);

// `holdfast resolver`: the caching forwarder until SIGINT or SIGTERM; SIGHUP reloads the
// configuration file, keeping the cache. Returns the process exit status.
[[nodiscard]] int runResolver(const ResolverFlags& flags);

// Command line of `holdfast sim`.
struct SimFlags {
  std::string protocol = "holdfast";  // or "naive"
  std::uint64_t seeds = 1000;
  std::uint64_t first_seed = 1;
  int jobs = 1;
  int planners = 1;
  int enactors = 3;
  int endpoints = 1;
  int clients = 3;
  double duration_seconds = 60;  // virtual time with faults, per schedule
  double bound_seconds = 30;     // L1: converge within this after faults stop
  std::uint64_t stop_after = 0;  // failing schedules; 0: run every seed
  std::string replay;            // a saved schedule to replay; "-": stdin
  std::string save;              // where to save the shrunk failing schedule
  bool trace = false;            // print the whole trace of first_seed
  bool quiet = false;            // no progress line on a terminal
  std::string log_level = "off";
};

// Command line of the admin API clients: status and endpoints.
struct AdminFlags {
  bool json = false;                       // print the API's JSON instead of tables
  std::string config_path;                 // configuration of `holdfast up`, for its data_dir
  std::string data_dir = "holdfast-data";  // where `holdfast up` wrote admin.json
  std::string address;                     // overrides admin.json's address
  std::string token_file;                  // overrides admin.json's token file
};

// Command line of the operator commands: pause, resume, plan show|diff, apply, history.
struct OpsFlags {
  AdminFlags api;                // how to find the admin API; --json; --config for --store-direct
  bool store_direct = false;     // work on the SQLite store of --config without the API
  std::string endpoint;          // empty: every endpoint (pause, resume and history only)
  std::uint64_t plan = 0;        // plan show: this generation; 0: every plan kept
  std::string reason;            // for the pause record or the audit journal
  bool dry_run = false;          // apply: show, change nothing
  bool approve = false;          // apply: lift the change budget for this publish
  std::uint64_t generation = 0;  // apply: only if this is still the newest plan; 0: newest
  double wait_seconds = 10;      // apply: how long to wait for the publish to show
  std::size_t limit = 0;         // history: the last N entries; 0: all
};

// The subcommands addOpsCommands() adds; each is set when it was given.
struct OpsCommands {
  CLI::App* pause = nullptr;
  CLI::App* resume = nullptr;
  CLI::App* plan = nullptr;
  CLI::App* plan_show = nullptr;
  CLI::App* plan_diff = nullptr;
  CLI::App* apply = nullptr;
  CLI::App* history = nullptr;
};

// Adds `pause`, `resume`, `plan show|diff`, `apply` and `history` to `app`, filling `flags`.
OpsCommands addOpsCommands(CLI::App& app, OpsFlags& flags);

// Runs whichever operator command was parsed through the admin API of the running `holdfast up`
// (found as runAdmin() finds it), or on the store with --store-direct. Exit status as runAdmin().
[[nodiscard]] int runOps(const OpsCommands& commands, const OpsFlags& flags);

// --store-direct: pause, resume, plan diff, apply and history NAME on the SQLite store of
// --config, without a running server. Returns the process exit status.
[[nodiscard]] int runOpsOnStore(const OpsCommands& commands, const OpsFlags& flags);

struct AdminCommands {
  CLI::App* status = nullptr;
  CLI::App* endpoints = nullptr;
};

// Adds `status` and `endpoints` to `app`, filling `flags`.
AdminCommands addAdminCommands(CLI::App& app, AdminFlags& flags);

// Asks the admin API of a running `holdfast up` and prints a table (or JSON). Exit status:
// kExitOk; kExitRuntime when the API refuses (409: held, paused, stale, nothing to apply) or
// fails; kExitConfig for a bad command line, configuration or token file, or an answer 400, 401
// or 404; kExitNotRunning when no running `holdfast up` is found or reachable.
[[nodiscard]] int runAdmin(const AdminCommands& commands, const AdminFlags& flags);

// Command line of `holdfast cache stats` and `holdfast cache flush`.
struct CacheFlags {
  bool json = false;                       // print the API's JSON instead of tables
  std::string config_path;                 // configuration of `holdfast resolver`
  std::string data_dir = "holdfast-data";  // where `holdfast resolver` wrote resolver.json
  std::string address;                     // overrides resolver.json's address
  std::string token_file;                  // overrides resolver.json's token file
  std::string name;                        // flush: only this name; empty: everything
  std::string type;                        // flush: only this type of `name`
  bool keep_stale = false;                 // flush: expire instead of remove
};

struct CacheCommands {
  CLI::App* cache = nullptr;
  CLI::App* stats = nullptr;
  CLI::App* flush = nullptr;
};

// Adds `cache stats` and `cache flush` to `app`, filling `flags`.
CacheCommands addCacheCommands(CLI::App& app, CacheFlags& flags);

// Asks the cache API of a running `holdfast resolver` and prints a table (or JSON). Exit
// status: kExitOk; kExitRuntime when the API answers with an error; kExitConfig for a bad
// command line, configuration or token file; kExitNotRunning when no running resolver API is
// found or reachable.
[[nodiscard]] int runCache(const CacheCommands& commands, const CacheFlags& flags);

// Command line of `holdfast probe`.
struct ProbeFlags {
  std::string config_path;
  std::uint64_t rounds = 0;  // 0: until SIGINT or SIGTERM
};

// Adds the `probe` subcommand to `app`, filling `flags` when it is parsed.
CLI::App* addProbeCommand(CLI::App& app, ProbeFlags& flags);

// `holdfast probe`: one round of every check × resolver per interval until stopped; alerts go to
// the log and the configured webhooks. Exit status: kExitOk when stopped, kExitConfig for a bad
// command line or configuration.
[[nodiscard]] int runProbe(const ProbeFlags& flags);

// Adds the `sim` subcommand to `app`, filling `flags` when it is parsed.
CLI::App* addSimCommand(CLI::App& app, SimFlags& flags);

// `holdfast sim`: runs the seeds, prints the totals and, for the lowest failing seed, a shrunk
// schedule with its trace (saved for --replay); or replays a saved schedule. Returns
// kExitViolations if any schedule broke a property.
[[nodiscard]] int runSim(const SimFlags& flags);

}  // namespace holdfast::cli
