/* libcurl for the registry client. curl_easy_setopt and curl_easy_getinfo are variadic, which
 * Swift cannot call, so each argument type gets a typed wrapper here. */
#include <curl/curl.h>

typedef size_t (*kraft_curl_callback)(char *buffer, size_t size, size_t count, void *context);

static inline CURLcode kraft_curl_global_init(void) {
  return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode kraft_curl_set_string(CURL *handle, CURLoption option, const char *value) {
  return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kraft_curl_set_long(CURL *handle, CURLoption option, long value) {
  return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kraft_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
  return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kraft_curl_set_pointer(CURL *handle, CURLoption option, const void *value) {
  return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kraft_curl_set_callback(CURL *handle, CURLoption option,
                                               kraft_curl_callback value) {
  return curl_easy_setopt(handle, option, value);
}

static inline CURLcode kraft_curl_get_long(CURL *handle, CURLINFO info, long *value) {
  return curl_easy_getinfo(handle, info, value);
}
