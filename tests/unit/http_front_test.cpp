// The HTTP front's decoders and checks without sockets (the sockets are tests/e2e/
// hostile_http_test.cpp): UTF-8 validation, target decoding, the multipart decoder fed in pieces
// of every size, the router, and admission of parsed request heads against the limits.

#include <gtest/gtest.h>

#include <boost/beast/http.hpp>

#include "http/admission.hpp"
#include "http/multipart.hpp"
#include "http/router.hpp"
#include "http/url.hpp"

namespace pv::http {
namespace {

namespace bh = boost::beast::http;

TEST(HttpUrl, Utf8ValidationFollowsRfc3629) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xc3\xa9"));          // é
  EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));      // €
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));  // an emoji
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xc3"));              // cut short
  EXPECT_FALSE(is_valid_utf8("\xc3\x28"));          // bad continuation
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong, 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));  // overlong, 4 bytes
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));              // a lone continuation byte
  // Every single byte: ASCII valid, everything else not on its own.
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    EXPECT_EQ(is_valid_utf8(std::string_view(&c, 1)), b < 0x80) << b;
  }
  // Every two-byte sequence agrees with a direct reading of RFC 3629's table.
  for (int a = 0xc0; a < 0x100; ++a)
    for (int b = 0; b < 0x100; ++b) {
      const char s[2] = {static_cast<char>(a), static_cast<char>(b)};
      const bool want = a >= 0xc2 && a <= 0xdf && b >= 0x80 && b <= 0xbf;
      EXPECT_EQ(is_valid_utf8(std::string_view(s, 2)), want) << a << " " << b;
    }
}

TEST(HttpUrl, TargetsDecodeSegmentBySegment) {
  auto t = decode_target("/v1/tx/ab%2Fcd?wait=true&timeout_ms=5&flag&x=a+b&y=%C3%A9");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->segments, (std::vector<std::string>{"v1", "tx", "ab/cd"}));
  EXPECT_EQ(t->path, "/v1/tx/ab/cd");
  EXPECT_EQ(t->params.find("wait")->second, "true");
  EXPECT_EQ(t->params.find("flag")->second, "");
  EXPECT_EQ(t->params.find("x")->second, "a b");
  EXPECT_EQ(t->params.find("y")->second, "\xc3\xa9");
  auto abs = decode_target("http://node.example/v1/node?x=1");
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->path, "/v1/node");
  for (const char* bad : {"", "v1/node", "*", "/%ff", "/%c3", "/a%zz", "/a%", "/a%0", "/%00",
                          "/ok?x=%ff", "/ok?%ff=1", "/ok?x=%ed%a0%80", "http://host?x=1"}) {
    auto r = decode_target(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::invalid_argument);
    }
  }
  auto named = decode_target("/ok?name=%ff");
  ASSERT_FALSE(named);
  EXPECT_NE(named.error().message.find("\"name\""), std::string::npos) << named.error().message;
}

std::string multipart_body(const std::string& boundary) {
  return "preamble\r\n--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
         "Content-Type: text/plain\r\n\r\nfirst part\r\n--almost\r\nstill first\r\n--" +
         boundary + "  \r\nContent-Disposition: form-data; name=\"second\"\r\n\r\n\r\n--" +
         boundary + "--\r\nepilogue";
}

TEST(HttpMultipart, PartsArriveWholeWhateverThePieces) {
  const std::string boundary = "XyZ";
  const std::string body = multipart_body(boundary);
  for (std::size_t piece = 1; piece <= body.size(); ++piece) {
    std::vector<MultipartPart> parts;
    std::vector<std::string> data;
    MultipartDecoder d(
        boundary,
        [&](const MultipartPart& p) {
          parts.push_back(p);
          data.emplace_back();
          return true;
        },
        [&](const char* b, std::size_t n) {
          data.back().append(b, n);
          return true;
        });
    for (std::size_t off = 0; off < body.size(); off += piece)
      ASSERT_TRUE(d.feed(std::string_view(body).substr(off, piece))) << piece;
    ASSERT_TRUE(d.finish()) << piece;
    ASSERT_EQ(parts.size(), 2u) << piece;
    EXPECT_EQ(parts[0].name, "file");
    EXPECT_EQ(parts[0].filename, "a.txt");
    EXPECT_EQ(parts[0].content_type, "text/plain");
    EXPECT_EQ(data[0], "first part\r\n--almost\r\nstill first") << piece;
    EXPECT_EQ(parts[1].name, "second");
    EXPECT_EQ(data[1], "");
  }
}

TEST(HttpMultipart, MalformedBodiesAreErrorsNotCrashes) {
  auto run = [](const std::string& body) {
    MultipartDecoder d("b", [](const MultipartPart&) { return true; },
                       [](const char*, std::size_t) { return true; });
    Status s = d.feed(body);
    return s ? d.finish() : s;
  };
  EXPECT_FALSE(run(""));                                     // nothing
  EXPECT_FALSE(run("--b\r\n\r\ndata"));                      // no closing delimiter
  EXPECT_FALSE(run("--bX\r\n\r\n--b--"));                    // junk after the boundary
  EXPECT_FALSE(run("--b\r\nno colon\r\n\r\nx\r\n--b--"));    // a header without a name
  EXPECT_FALSE(run("--b\r\n" + std::string(20'000, 'h')));   // endless part headers
  EXPECT_FALSE(run(std::string(40'000, 'p')));              // endless preamble
  EXPECT_TRUE(run("--b\r\n\r\nx\r\n--b--"));
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"q q\""), "q q");
  EXPECT_EQ(multipart_boundary("Multipart/Form-Data;boundary=abc"), "abc");
  EXPECT_FALSE(multipart_boundary("application/json"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data"));
  EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')));
  // A reader that stops is told so.
  MultipartDecoder d("b", [](const MultipartPart&) { return false; },
                     [](const char*, std::size_t) { return true; });
  EXPECT_FALSE(d.feed("--b\r\n\r\nx\r\n--b--"));
  EXPECT_TRUE(d.stopped());
}

Handler noop() {
  return [](const Request&, Response&, const ContentReader&) {};
}

TEST(HttpRouter, TemplatesMatchOneSegmentPerParameter) {
  Router r;
  r.add("GET /v1/tx/{id}", noop());
  r.add("GET /v1/tx/{id}/proof", noop());
  r.add("POST /v1/tx", noop());
  r.add("DELETE /v1/pins/{cid}", noop());
  auto m = r.find("GET", {"v1", "tx", "abc"});
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->label, "GET /v1/tx/{id}");
  EXPECT_EQ(m.matches, (std::vector<std::string>{"/v1/tx/abc", "abc"}));
  EXPECT_EQ(r.find("HEAD", {"v1", "tx", "abc"}).route->label, "GET /v1/tx/{id}");
  EXPECT_EQ(r.find("GET", {"v1", "tx", ""}).route, nullptr);  // an empty segment is no id
  EXPECT_EQ(r.find("GET", {"v1", "tx", "a", "b"}).route, nullptr);
  EXPECT_EQ(r.find("PUT", {"v1", "tx"}).route, nullptr);
  EXPECT_EQ(r.allowed_methods({"v1", "tx"}), "POST");
  EXPECT_EQ(r.allowed_methods({"v1", "tx", "x"}), "GET, HEAD");
  EXPECT_EQ(r.allowed_methods({"nothing"}), "");
}

bh::request_header<> head(const std::string& method, const std::string& target,
                          std::vector<std::pair<std::string, std::string>> fields = {{"Host", "a"}},
                          unsigned version = 11) {
  bh::request_header<> h;
  h.method_string(method);
  h.target(target);
  h.version(version);
  for (const auto& [k, v] : fields) h.insert(k, v);
  return h;
}

TEST(HttpAdmission, EachLimitRefusesWithItsStatus) {
  Router r;
  r.add("GET /healthz", noop());
  r.add("POST /v1/tx", noop());
  Limits limits;
  limits.max_url_bytes = 64;
  limits.max_header_count = 4;
  limits.max_header_bytes = 200;
  limits.max_body_bytes = 1000;
  auto status = [&](const bh::request_header<>& h, BodyInfo body = {}) {
    auto v = admit(h, body, r, limits, "127.0.0.1");
    if (auto* refused = std::get_if<Refused>(&v)) {
      EXPECT_FALSE(refused->detail.empty());
      return refusal_status(refused->reason);
    }
    return 200;
  };
  EXPECT_EQ(status(head("GET", "/healthz")), 200);
  EXPECT_EQ(status(head("GET", "/" + std::string(100, 'a'))), 414);
  EXPECT_EQ(status(head("GET", "/healthz",
                        {{"Host", "a"}, {"A", "1"}, {"B", "1"}, {"C", "1"}, {"D", "1"}})),
            431);
  EXPECT_EQ(status(head("GET", "/healthz", {{"Host", "a"}, {"A", std::string(300, 'x')}})), 431);
  EXPECT_EQ(status(head("GET", "/healthz", {})), 400);                               // no Host
  EXPECT_EQ(status(head("GET", "/healthz", {{"Host", "a"}, {"Host", "b"}})), 400);  // two
  EXPECT_EQ(status(head("GET", "/healthz", {}, 10)), 200);  // HTTP/1.0 needs no Host
  EXPECT_EQ(status(head("GET", "/%ff")), 400);
  EXPECT_EQ(status(head("GET", "/nothing")), 404);
  EXPECT_EQ(status(head("PUT", "/healthz")), 405);
  BodyInfo big{true, 5000};
  EXPECT_EQ(status(head("POST", "/v1/tx"), big), 413);
  BodyInfo small{true, 10};
  EXPECT_EQ(status(head("POST", "/v1/tx", {{"Host", "a"}, {"Content-Encoding", "gzip"}}), small),
            415);
  EXPECT_EQ(status(head("POST", "/v1/tx", {{"Host", "a"}, {"Content-Encoding", "identity"}}),
                   small),
            200);
  EXPECT_EQ(status(head("POST", "/v1/tx", {{"Host", "a"}, {"Expect", "teapot"}}), small), 417);
  BodyInfo chunked{true, std::nullopt};
  EXPECT_EQ(status(head("POST", "/v1/tx", {{"Host", "a"}, {"Transfer-Encoding", "chunked"}}),
                   chunked),
            200);
  EXPECT_EQ(status(head("POST", "/v1/tx", {{"Host", "a"}, {"Transfer-Encoding", "gzip, chunked"}}),
                   chunked),
            400);
  EXPECT_EQ(status(head("POST", "/v1/tx", {{"Host", "a"}, {"Transfer-Encoding", "gzip"}}), {}),
            400);
  EXPECT_EQ(status(head("POST", "/v1/tx", {{"Transfer-Encoding", "chunked"}}, 10), chunked), 400);
  auto v = admit(head("POST", "/v1/tx", {{"Host", "a"}, {"Expect", "100-Continue"}}), small, r,
                 limits, "127.0.0.1");
  ASSERT_TRUE(std::holds_alternative<Admitted>(v));
  EXPECT_TRUE(std::get<Admitted>(v).expects_continue);
  // A refusal keeps the connection only when no body follows.
  auto nf = admit(head("POST", "/nothing"), small, r, limits, "");
  EXPECT_FALSE(std::get<Refused>(nf).keep_alive);
  auto nf2 = admit(head("GET", "/nothing"), {}, r, limits, "");
  EXPECT_TRUE(std::get<Refused>(nf2).keep_alive);
  auto wrong = admit(head("PUT", "/healthz"), {}, r, limits, "");
  EXPECT_EQ(std::get<Refused>(wrong).allow, "GET, HEAD");
}

}  // namespace
}  // namespace pv::http
