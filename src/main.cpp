#include "cli/app.hpp"

int main(int argc, char** argv) {
  return pv::cli::run(argc, argv);
}
