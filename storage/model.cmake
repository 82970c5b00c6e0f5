# Projections, typed queries, search and sample content: extra build steps of kenes_storage.
# (Included from storage/CMakeLists.txt; the sources themselves are globbed there.)

# Snowball stemmers for the search tokenizer (Debian: libstemmer-dev).
find_library(KENES_STEMMER_LIBRARY NAMES stemmer REQUIRED)
find_path(KENES_STEMMER_INCLUDE libstemmer.h REQUIRED)
target_include_directories(kenes_storage PRIVATE ${KENES_STEMMER_INCLUDE})
target_link_libraries(kenes_storage PRIVATE ${KENES_STEMMER_LIBRARY})

# data/sample/*.jsonl embedded into the binary, so the first-run loader works from any directory.
file(GLOB KENES_SAMPLE_FILES CONFIGURE_DEPENDS ${KENES_ROOT}/data/sample/*.jsonl)
set(KENES_SAMPLE_CPP ${CMAKE_CURRENT_BINARY_DIR}/sample_content_data.cpp)
add_custom_command(
  OUTPUT ${KENES_SAMPLE_CPP}
  COMMAND ${CMAKE_COMMAND} -DSAMPLE_DIR=${KENES_ROOT}/data/sample -DOUT=${KENES_SAMPLE_CPP}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/model_embed_sample.cmake
  DEPENDS ${KENES_SAMPLE_FILES} ${CMAKE_CURRENT_SOURCE_DIR}/model_embed_sample.cmake
  COMMENT "Embedding data/sample into the program"
  VERBATIM)
target_sources(kenes_storage PRIVATE ${KENES_SAMPLE_CPP})
set_source_files_properties(${KENES_SAMPLE_CPP} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
