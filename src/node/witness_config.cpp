#include "node/config.hpp"

namespace pv {

Result<WitnessConfig> parse_witness_config(std::string_view text) {
  // The URL has no '=' before its path in practice, and a vkey's base64 may end in '=': split
  // at the first '=' that follows "http(s)://host...".
  const auto eq = text.find('=');
  if (eq == std::string_view::npos)
    return make_error(Errc::invalid_argument,
                      "a witness is URL=VKEY (its add-checkpoint URL prefix and its "
                      "cosignature/v1 verifier key), got \"" +
                          std::string(text) + "\"");
  const std::string url(text.substr(0, eq));
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    return make_error(Errc::invalid_argument,
                      "a witness URL starts with http:// or https://, got \"" + url + "\"");
  auto cosigner = parse_cosigner_verifier_key(text.substr(eq + 1));
  if (!cosigner)
    return make_error(Errc::invalid_argument, "witness " + url + ": " + cosigner.error().message +
                                                  " (print the key with `pv audit key`)");
  std::string trimmed = url;
  while (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
  return WitnessConfig{trimmed, std::move(*cosigner)};
}

}  // namespace pv
