// pv record add | get | list: a patient's records. `add` encrypts the file here
// with a fresh data key, uploads the ciphertext and anchors the record (CID,
// keyed commitment, the key sealed to the patient, the author and the patient's
// category key); `get` asks the node for a consented read, downloads, checks
// every block against the CID, decrypts and checks the plaintext against the
// anchored commitment. The node never sees plaintext or an open key.

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/consent_keys.hpp"
#include "cli/consent_writer.hpp"
#include "cli/emergency_reader.hpp"
#include "cli/ledger_prover.hpp"
#include "cli/node_ledger.hpp"
#include "cli/output.hpp"
#include "cli/party_names.hpp"
#include "cli/pseudonym_pool_file.hpp"
#include "cli/record_access_client.hpp"
#include "cli/record_content.hpp"
#include "cli/record_erasure.hpp"
#include "cli/record_holder.hpp"
#include "cli/record_views.hpp"
#include "ledger/signer.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct RecordOptions {
  ActingOptions acting;
  std::string node, file, patient, pseudonyms, category, media_type, org, id, purpose,
      action = "access", out, checkpoint_key, credential;
  std::uint32_t timeout_ms = 30'000, wait_ms = 120'000;
  bool json = false, verify = false, emergency = false, no_pseudonym = false;
};

struct FileKind {
  std::string category, media_type;
};

// FHIR R4 JSON by its resourceType; DICOM by its preamble ("DICM" at 128); PDF
// by "%PDF-".
FileKind detect_kind(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  std::string head(132, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.size() == 132 && head.compare(128, 4, "DICM") == 0)
    return {"ImagingStudy", "application/dicom"};
  if (head.rfind("%PDF-", 0) == 0) return {"DocumentReference", "application/pdf"};
  if (!ec && size <= (16u << 20)) {
    std::ifstream whole(path, std::ios::binary);
    auto j = json::parse(whole, nullptr, false);
    if (j.is_object() && j.contains("resourceType") && j["resourceType"].is_string() &&
        check_category(j["resourceType"].get<std::string>()))
      return {j["resourceType"].get<std::string>(), "application/fhir+json"};
  }
  return {"Binary", "application/octet-stream"};
}

// A credential file: the VC-JWT, surrounding white space removed.
Result<std::string> read_credential_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "cannot read credential file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  if (text.empty())
    return make_error(Errc::invalid_argument, "credential file " + path + " is empty");
  return text;
}

// The author's organization: --org (a DID or wallet name), else the network's
// only member.
Result<std::string> author_organization(const RecordOptions& o, api::NodeClient& client) {
  if (!o.org.empty()) return did_of(o.acting, o.org);
  auto members = membership_on_node(client);
  if (!members) return members.error();
  std::vector<std::string> current;
  for (const auto& org : members->organizations)
    if (org.record.status == OrgStatus::member) current.push_back(org.did);
  if (current.size() == 1) return current[0];
  return make_error(Errc::invalid_argument,
                    "this network has " + std::to_string(current.size()) +
                        " member organizations: say which one you act for with --org DID");
}

int add(const RecordOptions& o) {
  Output out(o.json);
  crypto_init();
  auto source = content::FileSource::open(o.file);
  if (!source) return out.fail(source.error(), "check the path");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto info = client->info();
  if (!info) return out.fail(info.error(), "is the node running at " + o.node + "?");
  if (o.patient.empty() == o.pseudonyms.empty())
    return out.fail("name the patient with --patient, or give the patient's pseudonym pool with "
                    "--pseudonyms (not both)");
  // A pseudonymous record names one of the patient's pseudonyms, never her DID.
  std::optional<TakenPseudonym> pseudonym;
  Result<std::string> patient = std::string();
  if (!o.pseudonyms.empty()) {
    auto taken = take_pseudonym(*client, o.pseudonyms);
    if (!taken) return out.fail(taken.error());
    pseudonym = *taken;
    patient = taken->pseudonym;
  } else {
    patient = did_of(o.acting, o.patient);
    // A pool the hospital registered for this patient (pv pseudonym import) is used unless
    // --no-pseudonym says otherwise.
    const std::string registered = patient ? registered_pool_path(*patient) : std::string();
    if (patient && !o.no_pseudonym && std::filesystem::exists(registered)) {
      auto taken = take_pseudonym(*client, registered);
      if (!taken)
        return out.fail(taken.error(), "or add --no-pseudonym to anchor under the patient's DID");
      pseudonym = *taken;
      patient = taken->pseudonym;
    }
  }
  if (!patient) return out.fail(patient.error());
  auto org = author_organization(o, *client);
  if (!org) return out.fail(org.error());
  FileKind kind = detect_kind(o.file);
  if (!o.category.empty()) kind.category = o.category;
  if (!o.media_type.empty()) kind.media_type = o.media_type;
  if (auto s = check_category(kind.category); !s) return out.fail(s.error());

  DataKey key = DataKey::generate();
  auto stored = encrypt_and_upload(*client, **source, key);
  if (!stored) return out.fail(stored.error(), "is the node up? nothing was anchored");
  RecordPlan plan{*patient,
                  *org,
                  kind.category,
                  kind.media_type,
                  stored->cid.bytes(),
                  stored->commitment,
                  stored->plain_size};
  auto raw = SecretKey32::from(key.view());
  if (!raw) return out.fail(raw.error());
  auto anchor = build_record_anchor(*client, *actor, plan, *raw);
  sodium_memzero(raw->data(), raw->size());
  if (!anchor) return out.fail(anchor.error());
  Bytes tx =
      actor->sign_transaction(info->network_id, kTxTypeRecordAnchor, encode_record_anchor(*anchor));
  auto committed = client->submit_and_commit(tx, std::chrono::milliseconds(o.timeout_ms));
  if (!committed) return out.fail(committed.error());
  const RecordId id = transaction_id(tx);
  json record = {{"id", id.hex()},
                 {"patient", pseudonym ? pseudonym->patient : *patient},
                 {"author", actor->did()},
                 {"organization", *org},
                 {"cid", stored->cid.to_string()},
                 {"commitment", stored->commitment.hex()},
                 {"category", kind.category},
                 {"mediaType", kind.media_type},
                 {"size", stored->plain_size},
                 {"encryptedSize", stored->encrypted_size},
                 {"height", committed->location.height},
                 {"categoryKeyEpoch",
                  anchor->for_category ? json(anchor->for_category->epoch) : json(nullptr)}};
  if (o.verify) {
    auto prover = LedgerProver::create(*client, o.checkpoint_key);
    if (!prover) return out.fail(prover.error());
    auto proven = prover->prove(id, kTxTypeRecordAnchor);
    if (!proven) return out.fail(proven.error(), "do not trust this node's answer");
    record["proof"] = proven->summary;
  }
  if (pseudonym) {
    record["pseudonym"] = pseudonym->pseudonym;
    record["pseudonymsLeft"] = pseudonym->left;
  }
  PartyNames names(o.acting);
  const std::string for_whom =
      pseudonym ? names.show(pseudonym->patient) + " under pseudonym " + pseudonym->pseudonym +
                      " (" + std::to_string(pseudonym->left) + " left in the pool)"
                : names.show(*patient);
  out.result({{"record", record}},
             "record " + id.hex() + "\n  " + kind.category + " (" + kind.media_type + ", " +
                 std::to_string(stored->plain_size) + " bytes) for " + for_whom +
                 "\n  encrypted here, stored as " + stored->cid.to_string() +
                 ", anchored at height " + std::to_string(committed->location.height) +
                 (anchor->for_category ? "\n  sealed to the patient's " + kind.category +
                                             " category key too (grantees of a category consent "
                                             "can read it)"
                                       : "") +
                 (o.verify ? "\n  inclusion proof verified" : "") +
                 (pseudonym || o.no_pseudonym
                      ? ""
                      : "\n  note: anchored under the patient's DID (no pseudonym pool of hers is "
                        "registered here: `pv pseudonym import`); the ledger's history will name "
                        "her even if the record is erased"));
  return kExitOk;
}

int get(const RecordOptions& o) {
  Output out(o.json);
  crypto_init();
  auto id = RecordId::from_hex(o.id);
  if (!id) return out.fail("record id must be 64 hex characters", "see `pv record list`");
  if (o.out.empty()) return out.fail("say where to write the record with -o FILE");
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  std::string credential;
  if (o.emergency) {
    if (o.credential.empty())
      return out.fail("an emergency read needs your emergency-clinician credential",
                      "pass it with --credential FILE (a VC-JWT from `pv credential issue "
                      "--role emergency-clinician`)");
    auto text = read_credential_file(o.credential);
    if (!text) return out.fail(text.error(), "check the path given to --credential");
    credential = std::move(*text);
  } else if (!o.credential.empty()) {
    return out.fail("--credential is only sent with --emergency");
  } else {
    // The patient reads a pseudonymous record of hers as its pseudonym.
    auto store = open_pseudonyms(o.acting, *actor);
    if (!store) return out.fail(store.error());
    auto holder = holder_of(*client, *actor, *store, *id);
    if (!holder) return out.fail(holder.error());
    actor = Result<Actor>(std::move(*holder));
  }
  auto read = request_record_access(*client, *actor, *id, o.purpose, o.action, credential);
  if (!read && read.error().message.find(" was erased at height ") != std::string::npos)
    return out.fail(make_error(Errc::not_found, "410 Gone: " + read.error().message),
                    "the record is erased on the ledger; see `pv record erasure-status " +
                        id->hex() + "`");
  if (!read) {
    if (read.error().code == Errc::forbidden)
      return out.fail(make_error(Errc::forbidden, "refused: " + read.error().message),
                      "the node answered 403 and wrote the refusal on the ledger; the patient "
                      "sees it in `pv access-log`");
    return out.fail(read.error());
  }
  auto cid = content::Cid::parse(read->metadata.cid);
  if (!cid) return out.fail(cid.error());
  json emergency;
  Result<std::uint64_t> size = make_error(Errc::internal, "no key");
  if (read->needs_custodians) {
    // Break-glass: k custodians release their shares of the key for this access event.
    auto progress = [&](const EmergencyEventView& v) {
      out.note("emergency access " + v.event.hex().substr(0, 16) + ": " +
               std::to_string(v.releases.size()) + " of " + std::to_string(v.threshold) +
               " custodian shares released");
    };
    auto keys = collect_emergency_key(*client, *actor, read->access_event,
                                      std::chrono::milliseconds(o.wait_ms),
                                      std::chrono::milliseconds(10), progress);
    if (!keys)
      return out.fail(keys.error(), "the emergency read is on the ledger as access event " +
                                        read->access_event.hex() +
                                        "; custodians release with `pv emergency release " +
                                        read->access_event.hex() + " --as ORG`");
    for (auto& candidate : keys->candidates) {
      auto key = DataKey::from(candidate.view());
      sodium_memzero(candidate.data(), candidate.size());
      if (!key || size) continue;
      size = download_and_decrypt(o.node, *cid, *key, read->metadata.commitment, o.out);
    }
    if (!size)
      return out.fail("the released shares do not open the record (" + size.error().message + ")",
                      "a custodian released a wrong share; nothing was written to " + o.out);
    json released_by = json::array();
    for (const auto& r : keys->view.releases) released_by.push_back(r.custodian);
    emergency = {{"event", read->access_event.hex()},
                 {"threshold", keys->view.threshold},
                 {"releasedBy", released_by},
                 {"organization", keys->view.organization}};
    if (!keys->refused.empty()) emergency["refusedReleases"] = keys->refused;
  } else {
    auto key = DataKey::from(read->data_key.view());
    sodium_memzero(read->data_key.data(), read->data_key.size());
    if (!key) return out.fail(key.error());
    size = download_and_decrypt(o.node, *cid, *key, read->metadata.commitment, o.out);
  }
  if (!size) return out.fail(size.error(), "nothing was written to " + o.out);
  json doc = {{"record", id->hex()},
              {"file", o.out},
              {"size", *size},
              {"category", read->metadata.category},
              {"mediaType", read->metadata.media_type},
              {"basis", read->basis},
              {"accessEvent", read->answer["accessEvent"]}};
  if (read->consent) doc["consent"] = read->consent->hex();
  if (!emergency.is_null()) doc["emergency"] = emergency;
  if (o.verify) {
    auto prover = LedgerProver::create(*client, o.checkpoint_key);
    if (!prover) return out.fail(prover.error());
    auto anchor = prover->prove(*id, kTxTypeRecordAnchor);
    if (!anchor) return out.fail(anchor.error(), "do not trust this node's answer");
    auto payload = decode_record_anchor(anchor->tx.payload);
    if (!payload || payload->commitment != read->metadata.commitment)
      return out.fail(
          "the record's commitment on the ledger differs from what "
          "the node served",
          "do not trust this node's answer");
    auto event = prover->prove(read->access_event, kTxTypeAccessEvent);
    if (!event) return out.fail(event.error(), "do not trust this node's answer");
    auto e = decode_access_event(event->tx.payload);
    if (!e || e->reader != actor->did() || e->record != *id ||
        e->outcome != AccessOutcome::permitted)
      return out.fail("the access event on the ledger does not record this read",
                      "do not trust this node's answer");
    doc["proof"] = {{"record", anchor->summary}, {"accessEvent", event->summary}};
  }
  out.result(
      doc, "decrypted " + std::to_string(*size) + " bytes into " + o.out + " (basis " +
               read->basis + (read->consent ? ", consent " + read->consent->hex() : "") +
               ")\n  every block checked against its CID, the content against the "
               "anchored commitment; this read is on the ledger as access event " +
               read->access_event.hex() +
               (emergency.is_null() ? ""
                                    : "\n  EMERGENCY ACCESS: the key was combined here from " +
                                          std::to_string(emergency["releasedBy"].size()) +
                                          " custodian shares; the patient sees this read in their "
                                          "access log") +
               (o.verify ? "\n  inclusion proofs verified" : ""));
  return kExitOk;
}

int list(const RecordOptions& o) {
  Output out(o.json);
  crypto_init();
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return out.fail(client.error());
  auto actor = act_as(o.acting, *client);
  if (!actor) return out.fail(actor.error());
  auto store = open_pseudonyms(o.acting, *actor);
  if (!store) return out.fail(store.error());
  auto records = fetch_held_records(*client, *actor, *store, o.category);
  if (!records) return out.fail(records.error());
  std::optional<LedgerProver> prover;
  if (o.verify) {
    auto p = LedgerProver::create(*client, o.checkpoint_key);
    if (!p) return out.fail(p.error());
    prover.emplace(std::move(*p));
  }
  PartyNames names(o.acting);
  json list = json::array();
  std::string human;
  for (const auto& held : *records) {
    const RecordView& r = held.view;
    json entry = r.json;
    auto holder = held.holder == actor->did() ? Result<Actor>(*actor)
                                              : pseudonym_actor(*actor, *store, held.holder);
    if (!holder) return out.fail(holder.error());
    if (held.holder != actor->did()) entry["pseudonym"] = held.holder;
    // The patient's wallet checks its own wrap (the ledger cannot:
    // docs/consent.md 3).
    auto opened = open_wrapped(*holder, r.for_patient);
    entry["keyOpens"] = static_cast<bool>(opened);
    if (opened) sodium_memzero(opened->data(), opened->size());
    if (prover) {
      auto proven = prover->prove(r.id, kTxTypeRecordAnchor);
      if (!proven) return out.fail(proven.error(), "do not trust this node's answer");
      auto payload = decode_record_anchor(proven->tx.payload);
      if (!payload || payload->patient != held.holder || payload->commitment != r.commitment ||
          payload->category != r.category)
        return out.fail("record " + r.id.hex() + " as served differs from the proven anchor",
                        "do not trust this node's answer");
      entry["proof"] = proven->summary;
    }
    list.push_back(entry);
    human += r.id.hex().substr(0, 16) + "  " + r.time + "  " + r.category + "  " +
             std::to_string(r.size) + " B  by " + names.show(r.author) +
             (entry["keyOpens"] == true ? "" : "  (WARNING: your key does not open)") + "\n";
  }
  if (human.empty()) human = "no records\n";
  if (prover) human += "every record's inclusion proof verified against a signed checkpoint\n";
  out.result({{"patient", actor->did()}, {"records", list}}, human);
  return kExitOk;
}

void common(CLI::App& cmd, RecordOptions& o, bool verify = true) {
  add_acting_options(cmd, o.acting);
  add_node_url_option(cmd, o.node);
  cmd.add_flag("--json", o.json, "print the result as JSON");
  cmd.add_option("--timeout-ms", o.timeout_ms, "how long to wait for commits")
      ->capture_default_str();
  if (!verify) return;
  cmd.add_flag("--verify", o.verify,
               "check inclusion proofs here against a checkpoint signed by the "
               "node's key");
  cmd.add_option("--checkpoint-key", o.checkpoint_key,
                 "expected checkpoint key (hex); default: the one the node announces");
}

}  // namespace

void add_record_commands(CLI::App& app, int& exit_code) {
  auto* record = app.add_subcommand("record", "Add, read and list a patient's records");
  record->require_subcommand(1);

  auto a = std::make_shared<RecordOptions>();
  auto* add_cmd =
      record->add_subcommand("add",
                             "Add a record for a patient: the file is encrypted here with a "
                             "fresh key, the ciphertext "
                             "stored on the node, and the record anchored with the key sealed "
                             "to the patient, you and "
                             "the patient's category key. FHIR R4 JSON is recognised by its "
                             "resourceType; DICOM and PDF "
                             "by their headers.");
  add_cmd->add_option("file", a->file, "the record: FHIR R4 JSON, DICOM, PDF, ...")->required();
  add_cmd->add_option("--patient", a->patient, "the patient: a DID or a wallet identity name");
  add_cmd->add_option("--pseudonyms", a->pseudonyms,
                      "instead of --patient: the patient's pseudonym pool file (`pv pseudonym "
                      "issue`); the record is anchored under its next unused pseudonym, so the "
                      "ledger never names the patient. With --patient, a pool registered for her "
                      "(`pv pseudonym import`) is used the same way");
  add_cmd->add_flag("--no-pseudonym", a->no_pseudonym,
                    "anchor under the patient's DID even if a pool of hers is registered (`pv "
                    "pseudonym import`)");
  add_cmd->add_option("--category", a->category,
                      "category (FHIR resource type); default: detected from the file");
  add_cmd->add_option("--media-type", a->media_type, "media type; default: detected");
  add_cmd->add_option("--org", a->org,
                      "your member organization (DID or wallet name); default: the network's "
                      "only member");
  common(*add_cmd, *a);
  add_cmd->footer(
      "Examples:\n  pv record add --as dr-bob --patient alice glucose.json\n"
      "  pv record add --as dr-bob --patient did:key:z6Mk... --org st-mary "
      "scan.dcm --json\n"
      "  pv record add --as dr-bob --pseudonyms alice-st-mary.pool lab.json");
  add_cmd->callback([a, &exit_code] { exit_code = add(*a); });

  auto g = std::make_shared<RecordOptions>();
  auto* get_cmd = record->add_subcommand(
      "get",
      "Read a record under consent: the node decides and writes the read (or "
      "the refusal) to "
      "the ledger; the content is downloaded, checked and decrypted here.");
  get_cmd->add_option("id", g->id, "record id (hex)")->required();
  get_cmd->add_option("--purpose", g->purpose, "why you read: TREAT, HPAYMT, PATRQT, ...")
      ->required();
  get_cmd->add_option("--action", g->action, "consent action")->capture_default_str();
  get_cmd->add_option("-o,--output", g->out, "where to write the decrypted record")->required();
  get_cmd->add_flag("--emergency", g->emergency,
                    "break the glass for a patient who cannot consent: needs --purpose ETREAT and "
                    "--credential; the read is on the ledger and the record's key is combined "
                    "from the shares the patient's custodians release");
  get_cmd->add_option("--credential", g->credential,
                      "your emergency-clinician role credential (VC-JWT file), with --emergency");
  get_cmd
      ->add_option("--wait-ms", g->wait_ms,
                   "with --emergency: how long to wait for the custodians' shares")
      ->capture_default_str();
  common(*get_cmd, *g);
  get_cmd->footer(
      "Examples:\n  pv record get 3f2a... --as dr-carol --purpose "
      "TREAT -o glucose.json\n"
      "  pv record get 3f2a... --as dr-eve --purpose ETREAT --emergency --credential eve.jwt "
      "-o chart.json");
  get_cmd->callback([g, &exit_code] { exit_code = get(*g); });

  auto l = std::make_shared<RecordOptions>();
  auto* list_cmd = record->add_subcommand("list", "Your records, as the patient");
  list_cmd->add_option("--category", l->category, "only this category");
  common(*list_cmd, *l);
  list_cmd->footer("Example:\n  pv record list --as alice --verify");
  list_cmd->callback([l, &exit_code] { exit_code = list(*l); });

  add_record_erasure_commands(*record, exit_code);
}

}  // namespace pv::cli
