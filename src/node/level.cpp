// Level node: see CMakeLists.txt for the order of levels.
