#include "ledger/checkpoint.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace pv {
namespace {

// U+2014 EM DASH, then a space: the start of every signature line.
const std::string kDash = "\xE2\x80\x94 ";

SigningKey test_key(std::uint8_t fill) {
  Seed seed;
  seed.bytes.fill(fill);
  return SigningKey::from_seed(seed);
}

Checkpoint test_checkpoint() {
  return Checkpoint{"patientvault.local/test-network", 12345, sha256(as_bytes("root"))};
}

const std::string kName = "node-1.patientvault.local";

// ---- Interoperability with golang.org/x/mod/sumdb/note ---------------------------------------
// Published vectors from golang.org/x/mod, sumdb/note/note_test.go (TestNewSigner, TestSign,
// TestOpen): the PeterNeumann signer and verifier keys, the signed text and both signature lines.
const char* const kPeterSignerKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const char* const kPeterVerifierKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const char* const kEnochVerifierKey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const std::string kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    kDash +
    "PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig = kDash +
                              "EnochRoot "
                              "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
                              "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

SigningKey peter_signing_key() {
  // "PRIVATE+KEY+<name>+<key id>+<base64(0x01 || Ed25519 seed)>"; the base64 may hold '+'.
  const std::string prefix = "PRIVATE+KEY+PeterNeumann+c74f20a3+";
  std::string_view skey = kPeterSignerKey;
  EXPECT_EQ(skey.substr(0, prefix.size()), prefix);
  auto raw = from_base64(skey.substr(prefix.size()));
  EXPECT_TRUE(raw);
  EXPECT_EQ(raw->size(), 33u);
  EXPECT_EQ((*raw)[0], 0x01);
  return SigningKey::from_seed(*Seed::from(ByteView(raw->data() + 1, 32)));
}

TEST(CheckpointGoNote, VerifierKeyAndKeyIdMatchGo) {
  SigningKey peter = peter_signing_key();
  EXPECT_EQ(note_verifier_key("PeterNeumann", peter.public_key()), kPeterVerifierKey);
  EXPECT_EQ(note_key_id("PeterNeumann", peter.public_key()), 0xc74f20a3u);
  auto parsed = parse_note_verifier_key(kPeterVerifierKey);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->name, "PeterNeumann");
  EXPECT_EQ(parsed->key, peter.public_key());
  auto enoch = parse_note_verifier_key(kEnochVerifierKey);
  ASSERT_TRUE(enoch);
  EXPECT_EQ(note_verifier_key(enoch->name, enoch->key), kEnochVerifierKey);
}

TEST(CheckpointGoNote, SignatureLineMatchesGoByteForByte) {
  // Ed25519 is deterministic, so our signed note must equal Go's exactly.
  EXPECT_EQ(sign_note(kGoText, "PeterNeumann", peter_signing_key()), kGoText + "\n" + kPeterSig);
}

TEST(CheckpointGoNote, VerifiesGoSignedNotes) {
  auto peter = parse_note_verifier_key(kPeterVerifierKey);
  auto enoch = parse_note_verifier_key(kEnochVerifierKey);
  ASSERT_TRUE(peter && enoch);
  const std::string note = kGoText + "\n" + kPeterSig + kEnochSig;
  auto text = verify_note(note, peter->name, peter->key);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, kGoText);
  auto text2 = verify_note(note, enoch->name, enoch->key);
  ASSERT_TRUE(text2) << text2.error().message;
  // Right key, wrong name; right name, wrong key.
  EXPECT_FALSE(verify_note(note, "EnochRoot", peter->key));
  EXPECT_FALSE(verify_note(kGoText + "\n" + kPeterSig, enoch->name, enoch->key));
  // Go's TestOpen "invalid signature": four base64 characters spliced into the signature.
  EXPECT_FALSE(verify_note(kGoText + "\n" + kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60),
                           peter->name, peter->key));
  // Go's TestOpen malformed messages.
  const std::string bad[] = {
      kGoText,
      kGoText + "\n",
      kGoText + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1),
      "\x01" + kGoText + "\n" + kPeterSig,
      "\xff" + kGoText + "\n" + kPeterSig,
      kGoText + "\n" + kDash +
          "Bad Name "
          "x08go/ZJkuBS9UG/"
          "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
      kGoText + "\n" + kPeterSig + "Unexpected line.\n",
  };
  for (const auto& msg : bad) EXPECT_FALSE(verify_note(msg, peter->name, peter->key)) << msg;
  // Go refuses more than 100 signature lines.
  std::string many = kGoText + "\n";
  for (int i = 0; i < 101; ++i) many += kPeterSig;
  EXPECT_FALSE(verify_note(many, peter->name, peter->key));
}

TEST(CheckpointGoNote, VerifierKeyManglingsAreRefused) {
  // As Go's TestNewVerifier: every proper substring and every single-byte change is refused.
  const std::string vkey = kPeterVerifierKey;
  for (std::size_t i = 0; i <= vkey.size(); ++i) {
    for (std::size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      EXPECT_FALSE(parse_note_verifier_key(vkey.substr(i, j - i))) << vkey.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < vkey.size(); ++i) {
    std::string bad = vkey;
    ++bad[i];
    EXPECT_FALSE(parse_note_verifier_key(bad)) << bad;
  }
  // Go's wrong-length key and unknown-algorithm key, each with an adjusted key id.
  EXPECT_FALSE(parse_note_verifier_key(
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="));
  EXPECT_FALSE(parse_note_verifier_key(
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
}

// A real checkpoint signed by sum.golang.org, published in google/trillian-examples
// (formats/log/checkpoint_test.go, TestSumDBNoteParsing), with the well-known sum.golang.org
// verifier key that the go command ships.
TEST(CheckpointGoNote, OpensARealSumGolangOrgCheckpoint) {
  const char* vkey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
  const std::string note =
      "go.sum database tree\n6476701\n"
      "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n" +
      kDash +
      "sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+"
      "1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n";
  auto key = parse_note_verifier_key(vkey);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(note_verifier_key(key->name, key->key), vkey);
  auto cp = open_checkpoint(note, key->name, key->key);
  ASSERT_TRUE(cp) << cp.error().message;
  EXPECT_EQ(cp->origin, "go.sum database tree");
  EXPECT_EQ(cp->size, 6476701u);
  EXPECT_EQ(to_base64(cp->root.view()), "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=");
  // The body re-encodes to exactly the signed text.
  EXPECT_EQ(checkpoint_body(*cp) + "\n", note.substr(0, note.find(kDash)));
  std::string edited = note;
  edited[22] = '5';  // 6476701 -> 6576701
  EXPECT_FALSE(open_checkpoint(edited, key->name, key->key));
}

// ---- Our checkpoints --------------------------------------------------------------------------

TEST(Checkpoint, RoundTrip) {
  SigningKey key = test_key(7);
  Checkpoint cp = test_checkpoint();
  std::string note = sign_checkpoint(cp, kName, key);
  EXPECT_EQ(note.substr(0, note.find("\n\n") + 1), checkpoint_body(cp));
  EXPECT_EQ(checkpoint_body(cp),
            "patientvault.local/test-network\n12345\n" + to_base64(cp.root.view()) + "\n");
  // "— name base64(4-byte key id || 64-byte signature)\n"
  std::string sig_line = note.substr(note.find("\n\n") + 2);
  EXPECT_EQ(sig_line.substr(0, kDash.size() + kName.size() + 1), kDash + kName + " ");
  EXPECT_EQ(sig_line.size(), kDash.size() + kName.size() + 1 + 92 + 1);
  auto opened = open_checkpoint(note, kName, key.public_key());
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, cp);

  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, ~std::uint64_t{0}}) {
    Checkpoint c = cp;
    c.size = size;
    auto back = open_checkpoint(sign_checkpoint(c, kName, key), kName, key.public_key());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, c);
  }
}

TEST(Checkpoint, ExtraUnknownSignaturesAreIgnoredButMustBeWellFormed) {
  SigningKey key = test_key(7), witness = test_key(9);
  Checkpoint cp = test_checkpoint();
  std::string note = sign_checkpoint(cp, kName, key);
  std::string witness_line = sign_checkpoint(cp, "witness.example", witness);
  witness_line = witness_line.substr(witness_line.find("\n\n") + 2);
  EXPECT_TRUE(open_checkpoint(note + witness_line, kName, key.public_key()));
  EXPECT_TRUE(open_checkpoint(note + witness_line, "witness.example", witness.public_key()));
  // Order does not matter.
  std::string body = checkpoint_body(cp) + "\n";
  std::string our_line = note.substr(body.size());
  EXPECT_TRUE(open_checkpoint(body + witness_line + our_line, kName, key.public_key()));
  // A garbled unknown line makes the whole note malformed.
  EXPECT_FALSE(open_checkpoint(note + kDash + "witness.example !!!!\n", kName, key.public_key()));
}

TEST(Checkpoint, EveryBitOfTheSignatureLineMatters) {
  SigningKey key = test_key(7);
  const std::string note = sign_checkpoint(test_checkpoint(), kName, key);
  const std::size_t sig_start = note.find("\n\n") + 2;
  for (std::size_t i = sig_start; i < note.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = note;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      EXPECT_FALSE(open_checkpoint(bad, kName, key.public_key())) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(Checkpoint, EveryByteOfTheBodyIsSigned) {
  SigningKey key = test_key(7);
  const std::string note = sign_checkpoint(test_checkpoint(), kName, key);
  const std::size_t body_end = note.find("\n\n") + 2;
  for (std::size_t i = 0; i < body_end; ++i) {
    std::string bad = note;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_FALSE(open_checkpoint(bad, kName, key.public_key())) << "byte " << i;
  }
}

TEST(Checkpoint, WrongKeyOrNameIsRefused) {
  SigningKey key = test_key(7), other = test_key(8);
  const std::string note = sign_checkpoint(test_checkpoint(), kName, key);
  auto r = open_checkpoint(note, kName, other.public_key());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::bad_signature);
  EXPECT_FALSE(open_checkpoint(note, "node-2.patientvault.local", key.public_key()));
  // Same name and key id but a signature by another key: a matching line that fails.
  std::string forged = sign_checkpoint(test_checkpoint(), kName, other);
  std::string body = checkpoint_body(test_checkpoint()) + "\n";
  std::string forged_line = forged.substr(body.size());
  auto raw = from_base64(forged_line.substr(kDash.size() + kName.size() + 1,
                                            forged_line.size() - kDash.size() - kName.size() - 2));
  ASSERT_TRUE(raw);
  std::uint32_t id = note_key_id(kName, key.public_key());
  (*raw)[0] = static_cast<std::uint8_t>(id >> 24);
  (*raw)[1] = static_cast<std::uint8_t>(id >> 16);
  (*raw)[2] = static_cast<std::uint8_t>(id >> 8);
  (*raw)[3] = static_cast<std::uint8_t>(id);
  std::string spliced = body + kDash + kName + " " + to_base64(*raw) + "\n";
  auto f = open_checkpoint(spliced, kName, key.public_key());
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("invalid signature"), std::string::npos);
  // Even alongside a valid line, a failing matching line is refused.
  EXPECT_FALSE(open_checkpoint(note + spliced.substr(body.size()), kName, key.public_key()));
}

TEST(Checkpoint, BodyEditsAreRefused) {
  SigningKey key = test_key(7);
  Checkpoint cp = test_checkpoint();
  const std::string note = sign_checkpoint(cp, kName, key);
  const std::string sig_lines = note.substr(note.find("\n\n") + 1);  // "\n— ..."
  Checkpoint bigger = cp, other_root = cp, other_origin = cp;
  bigger.size += 1;
  other_root.root.bytes[31] ^= 1;
  other_origin.origin = "patientvault.local/other-network";
  for (const Checkpoint& edit : {bigger, other_root, other_origin}) {
    EXPECT_FALSE(open_checkpoint(checkpoint_body(edit) + sig_lines, kName, key.public_key()));
  }
}

// Bodies that are signed correctly but are not canonical checkpoints: the body parser refuses.
TEST(Checkpoint, MalformedBodiesAreRefused) {
  SigningKey key = test_key(7);
  const std::string root = to_base64(sha256(as_bytes("root")).view());
  // 32 bytes use 4 bits of the last base64 digit; setting one of its 2 unused bits makes the
  // encoding non-canonical while still decoding to 32 bytes in a lax decoder.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string root_bad_bits = root;
  root_bad_bits[42] = alphabet[alphabet.find(root[42]) | 1];
  const std::string bodies[] = {
      "origin\n007\n" + root + "\n",                   // leading zeros
      "origin\n00\n" + root + "\n",                    // leading zero
      "origin\n+7\n" + root + "\n",                    // sign
      "origin\n-0\n" + root + "\n",                    // sign
      "origin\n 7\n" + root + "\n",                    // space
      "origin\n7 \n" + root + "\n",                    // space
      "origin\n0x10\n" + root + "\n",                  // hex
      "origin\n\n" + root + "\n",                      // empty size
      "origin\n18446744073709551616\n" + root + "\n",  // 2^64
      "origin\n99999999999999999999999999999\n" + root + "\n",
      "\n7\n" + root + "\n",                           // empty origin
      "origin\n7\n" + root_bad_bits + "\n",            // non-canonical base64
      "origin\n7\n" + root.substr(0, 43) + "\n",       // no padding
      "origin\n7\n" + to_base64(Bytes(31, 1)) + "\n",  // 31 bytes
      "origin\n7\n" + to_base64(Bytes(33, 1)) + "\n",  // 33 bytes
      "origin\n7\n" + to_base64(Bytes(48, 1)) + "\n",  // 48 bytes
      "origin\n7\n" + root + "\nextension line\n",     // extension line
      "origin\n7\n",                                   // two lines
      "origin\n",                                      // one line
      "origin\n7\n" + root,                            // no final newline in body
      "ori\xfcgin\n7\n" + root + "\n",                 // invalid UTF-8 (found by the fuzzer)
      "ori\tgin\n7\n" + root + "\n",                   // control character
  };
  for (const auto& body : bodies) {
    auto r = open_checkpoint(sign_note(body, kName, key), kName, key.public_key());
    EXPECT_FALSE(r) << body;
    EXPECT_FALSE(parse_checkpoint_body(body)) << body;
  }
  EXPECT_EQ(parse_checkpoint_body("origin\n18446744073709551616\n" + root + "\n").error().code,
            Errc::too_large);
  auto max = parse_checkpoint_body("origin\n18446744073709551615\n" + root + "\n");
  ASSERT_TRUE(max);
  EXPECT_EQ(max->size, ~std::uint64_t{0});
}

TEST(Checkpoint, MalformedNotesAreRefused) {
  SigningKey key = test_key(7);
  const std::string note = sign_checkpoint(test_checkpoint(), kName, key);
  const std::size_t blank = note.find("\n\n");
  std::string crlf = note;
  crlf.insert(blank, "\r");
  const std::string bad[] = {
      "",
      "\n",
      "\n\n",
      note.substr(0, note.size() - 1),                 // no trailing newline
      note.substr(0, blank) + note.substr(blank + 1),  // no blank line
      note.substr(0, blank + 2),                       // no signature lines
      note + "\n",                                     // trailing blank line
      note + "trailing garbage\n",                     // non-signature line
      crlf,                                            // control character
      note.substr(0, blank + 2) + "- " + note.substr(blank + 2 + kDash.size()),  // ASCII dash
      std::string(kMaxNoteBytes + 1, 'a'),                                       // too long
  };
  for (const auto& msg : bad) EXPECT_FALSE(open_checkpoint(msg, kName, key.public_key())) << msg;
  // Every truncation of a valid note is refused without crashing.
  for (std::size_t n = 0; n < note.size(); ++n)
    EXPECT_FALSE(open_checkpoint(note.substr(0, n), kName, key.public_key())) << n;
}

TEST(Checkpoint, RandomInputNeverCrashes) {
  SigningKey key = test_key(7);
  const std::string note = sign_checkpoint(test_checkpoint(), kName, key);
  std::mt19937_64 rng(20240917);
  for (int round = 0; round < 3000; ++round) {
    std::string msg = note;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      std::size_t pos = rng() % msg.size();
      switch (rng() % 3) {
        case 0:
          msg[pos] = static_cast<char>(rng());
          break;
        case 1:
          msg.erase(pos, 1 + rng() % 8);
          break;
        default:
          msg.insert(pos, 1, static_cast<char>(rng()));
          break;
      }
      if (msg.empty()) msg = "x";
    }
    auto r = open_checkpoint(msg, kName, key.public_key());
    if (r) {
      EXPECT_EQ(msg, note);  // only the untouched note may open
    }
  }
}

}  // namespace
}  // namespace pv
