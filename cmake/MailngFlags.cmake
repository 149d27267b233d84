# One INTERFACE target carries every flag that all of mailng's code shares.
add_library(mailng_flags INTERFACE)
target_compile_features(mailng_flags INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_options(mailng_flags INTERFACE -Wall -Wextra -Wpedantic)
target_compile_definitions(mailng_flags INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    MAILNG_VERSION="${PROJECT_VERSION}")
if(MAILNG_SANITIZE)
    target_compile_options(mailng_flags INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(mailng_flags INTERFACE -fsanitize=address,undefined)
endif()
if(MAILNG_FUZZ)
    # Coverage instrumentation for the libraries the fuzz targets link.
    target_compile_options(mailng_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
