// Role credentials against jose (npm), an independent JOSE/JWT implementation, both ways:
// PatientVault issues and jose verifies; jose issues and PatientVault verifies. The Node side
// is tests/interop/vc_jwt_interop.mjs; its dependencies are installed by scripts/deps.sh.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "codec/did_key.hpp"
#include "ledger/jose.hpp"
#include "ledger/vc_jwt.hpp"

#ifndef PV_SOURCE_DIR
#error "PV_SOURCE_DIR must name the source tree (set in CMakeLists.txt)"
#endif

namespace pv {
namespace {

namespace fs = std::filesystem;

const fs::path kInteropDir = fs::path(PV_SOURCE_DIR) / "tests" / "interop";

struct ProcessOutput {
  int exit_code = -1;
  std::string out;
};

// Runs a shell command and captures its stdout. Arguments passed here are hex, base64url and
// did:key strings only, and are single-quoted anyway.
ProcessOutput run_command(const std::string& command) {
  ProcessOutput r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string quote(const std::string& arg) {
  return "'" + arg + "'";
}

class VcJwtInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    // Fail, do not skip: a missing tool must not turn the interop check silently green.
    ASSERT_EQ(run_command("command -v node >/dev/null 2>&1").exit_code, 0)
        << "node is not installed; run scripts/deps.sh";
    ASSERT_TRUE(fs::exists(kInteropDir / "node_modules" / "jose" / "package.json"))
        << kInteropDir / "node_modules"
        << " is missing; run scripts/deps.sh";
  }

  ProcessOutput node(const std::string& args) {
    return run_command("node " + quote((kInteropDir / "vc_jwt_interop.mjs").string()) + " " + args +
                       " 2>&1");
  }

  static std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

  // Fixed seeds so a failure can be replayed by hand.
  SigningKey org_key = SigningKey::from_seed(*Seed::from_hex(std::string(64, '1')));
  std::string org_did = did_key_from_public_key(org_key.public_key());
  std::string doc_did = did_key_from_public_key(
      SigningKey::from_seed(*Seed::from_hex(std::string(64, '2'))).public_key());
};

TEST_F(VcJwtInterop, PatientVaultIssuedCredentialVerifiesInJose) {
  RoleCredential c;
  c.issuer = org_did;
  c.key_id = did_key_method_id(org_did);
  c.subject = doc_did;
  c.role = "physician";
  c.license_number = "MD-4471";
  c.organization = "St. Example Hospital";
  c.issued_at = c.not_before = now();
  c.expires = now() + 3600;
  auto jwt = issue_role_credential(c, org_key);
  ASSERT_TRUE(jwt) << jwt.error().message;

  ProcessOutput ok = node("verify " + quote(*jwt) + " " + quote(org_key.public_key().hex()));
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  auto seen = parse_json_strict(ok.out);
  ASSERT_TRUE(seen) << ok.out;
  EXPECT_EQ((*seen)["header"]["kid"], c.key_id);
  EXPECT_EQ((*seen)["claims"]["iss"], org_did);
  EXPECT_EQ((*seen)["claims"]["sub"], doc_did);
  EXPECT_EQ((*seen)["claims"]["vc"]["credentialSubject"]["role"], "physician");

  // jose must refuse what we refuse: a changed signature and the wrong key.
  std::string tampered = *jwt;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(node("verify " + quote(tampered) + " " + quote(org_key.public_key().hex())).exit_code,
            1);
  EXPECT_EQ(node("verify " + quote(*jwt) + " " + quote(std::string(64, '0'))).exit_code, 1);
}

TEST_F(VcJwtInterop, JoseIssuedCredentialVerifiesInPatientVault) {
  ProcessOutput issued =
      node("issue " + quote(org_key.seed().hex()) + " " + quote(org_did) + " " + quote(doc_did));
  ASSERT_EQ(issued.exit_code, 0) << issued.out;
  std::string jwt = issued.out.substr(0, issued.out.find_last_not_of("\r\n") + 1);

  auto got = verify_role_credential(jwt, resolve_did_key_method, RoleCredentialCheck{now()});
  ASSERT_TRUE(got) << got.error().message << "\n" << jwt;
  EXPECT_EQ(got->issuer, org_did);
  EXPECT_EQ(got->subject, doc_did);
  EXPECT_EQ(got->key_id, did_key_method_id(org_did));
  EXPECT_EQ(got->role, "nurse");
  EXPECT_EQ(got->license_number, "RN-INTEROP-7");
  EXPECT_EQ(got->organization, "Interop General Hospital");
  EXPECT_EQ(got->id.rfind("urn:uuid:", 0), 0u);
  EXPECT_EQ(got->expires - got->not_before, 3600);

  // And we refuse it once expired, or when another organization's key claims to be the issuer.
  auto late =
      verify_role_credential(jwt, resolve_did_key_method, RoleCredentialCheck{got->expires + 3600});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::unauthorized);
  std::string other_seed(64, '3');
  ProcessOutput forged =
      node("issue " + quote(other_seed) + " " + quote(org_did) + " " + quote(doc_did));
  ASSERT_EQ(forged.exit_code, 0) << forged.out;
  std::string forged_jwt = forged.out.substr(0, forged.out.find_last_not_of("\r\n") + 1);
  auto refused = verify_role_credential(forged_jwt, resolve_did_key_method, {now()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::bad_signature);
}

}  // namespace
}  // namespace pv
