// SPDX-License-Identifier: MIT
// libcurl's multi-socket API driven by Asio.
//
// curl tells us which sockets it wants to watch (CURLMOPT_SOCKETFUNCTION) and when it next needs
// a timeout call (CURLMOPT_TIMERFUNCTION). The sockets go into a private, level-triggered epoll
// set; Asio watches only that set's descriptor. Why not one Asio descriptor per curl socket:
// Asio registers descriptors edge-triggered and its async_wait never checks readiness
// speculatively, so data curl leaves unread in a socket (it reads one buffer per call) would
// never wake us again; and Asio objects would own, and on destruction close, curl's sockets.
// With the private set, one wake-up reads every ready socket, and curl keeps its sockets.
#include "http/client_state.hpp"

#include <schemaforge/errors.hpp>
#include <schemaforge/version.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace schemaforge::detail {
namespace {

// curl_global_init is not thread-safe in every libcurl build; a function-local static is.
void global_init_once() {
  static const bool done = [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw error(make_error_code(errc::connection), "libcurl could not be initialised");
    return true;
  }();
  (void)done;
}

char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Failures of certificate verification or of the local TLS trust setup: retrying cannot help.
bool is_tls_verification_failure(CURLcode code) noexcept {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return true;
    default:
      return false;
  }
}

int http_version_of(long curl_version) noexcept {
  switch (curl_version) {
    case CURL_HTTP_VERSION_1_0: return 10;
    case CURL_HTTP_VERSION_1_1: return 11;
    case CURL_HTTP_VERSION_2_0: return 20;
    case CURL_HTTP_VERSION_3: return 30;
    default: return 0;
  }
}

std::error_code map_curl_result(CURLcode code) noexcept {
  switch (code) {
    case CURLE_OK: return {};
    case CURLE_OPERATION_TIMEDOUT: return make_error_code(errc::timeout);
    default: return make_error_code(errc::connection);
  }
}

}  // namespace

// One reusable easy handle with the per-transfer state around it. Pooled: never freed before
// the client state, so a transfer_handle's pointer stays valid.
struct transfer {
  CURL* easy = nullptr;
  client_state::impl* owner = nullptr;
  std::uint64_t generation = 0;
  bool active = false;
  const http_request* request = nullptr;
  transfer_completion* done = nullptr;
  curl_slist* own_headers = nullptr;  // client headers + this request's, when it has some
  http_response response;
  std::string url;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

struct client_state::impl {
  client_state& self;
  CURLM* multi = nullptr;
  int epoll_fd = -1;
  boost::asio::posix::stream_descriptor epoll_watch;
  boost::asio::steady_timer timer;
  // curl's timeout, kept so that the Asio timer is re-armed only when curl wants an EARLIER time:
  // re-arming on every callback made the reactor reprogram its timerfd (a system call) several
  // times per request. A timer that fires before curl_deadline just re-arms itself.
  using clock = boost::asio::steady_timer::clock_type;
  static constexpr clock::time_point no_deadline = clock::time_point::max();
  clock::time_point curl_deadline = no_deadline;
  clock::time_point armed_deadline = no_deadline;  // the pending wait's expiry; no_deadline when none
  bool run_now_posted = false;
  std::uint64_t watch_generation = 0;
  bool watch_armed = false;
  bool closing = false;
  std::size_t in_flight = 0;
  curl_slist* headers = nullptr;     // built once from the options
  std::vector<std::unique_ptr<transfer>> all;   // owns every transfer ever created
  std::vector<transfer*> idle;
  std::vector<epoll_event> events = std::vector<epoll_event>(128);
  std::uint64_t next_generation = 1;
  std::function<void(std::string_view)> body_observer;

  impl(client_state& s, const executor_type& ex) : self(s), epoll_watch(ex), timer(ex) {}

  // ---- libcurl callbacks ---------------------------------------------------------------------

  static int on_socket(CURL*, curl_socket_t s, int what, void* userp, void* socketp) {
    auto* i = static_cast<impl*>(userp);
    if (what == CURL_POLL_REMOVE) {
      // curl may already have closed the socket (then epoll dropped it itself): ignore errors.
      ::epoll_ctl(i->epoll_fd, EPOLL_CTL_DEL, s, nullptr);
      curl_multi_assign(i->multi, s, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    ev.data.fd = s;
    int op = socketp ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(i->epoll_fd, op, s, &ev) != 0) {
      // A descriptor number reused after curl closed the old socket, or a stale association.
      op = (errno == ENOENT) ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
      if (::epoll_ctl(i->epoll_fd, op, s, &ev) != 0) return -1;
    }
    if (!socketp) curl_multi_assign(i->multi, s, i);
    return 0;
  }

  static int on_timer(CURLM*, long timeout_ms, void* userp) {
    auto* i = static_cast<impl*>(userp);
    if (i->closing) return 0;
    if (timeout_ms < 0) {
      // Cancelled rather than left to fire: a pending wait would keep io_context::run() from
      // returning when the client is idle.
      i->curl_deadline = no_deadline;
      i->armed_deadline = no_deadline;
      i->timer.cancel();
      return 0;
    }
    // Never call curl_multi_socket_action from inside a curl callback: even "now" is run from the
    // event loop, by a posted handler rather than a timer.
    i->curl_deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
    if (timeout_ms == 0) {
      if (!i->run_now_posted) {
        i->run_now_posted = true;
        boost::asio::post(i->timer.get_executor(), [keep = i->self.shared_from_this(), i] {
          i->run_now_posted = false;
          i->on_deadline();
        });
      }
    } else if (i->curl_deadline < i->armed_deadline) {
      i->arm_timer(i->curl_deadline);
    }
    return 0;
  }

  void arm_timer(clock::time_point at) {
    armed_deadline = at;
    timer.expires_at(at);
    timer.async_wait([keep = self.shared_from_this(), this](const boost::system::error_code& ec) {
      if (ec) return;  // re-armed (a newer wait is pending) or shutting down
      armed_deadline = no_deadline;
      on_deadline();
    });
  }

  // Runs curl's timeouts when curl's deadline has come; re-arms when it is still ahead.
  void on_deadline() {
    if (closing || curl_deadline == no_deadline) return;
    if (clock::now() < curl_deadline) {
      if (curl_deadline < armed_deadline) arm_timer(curl_deadline);
      return;
    }
    curl_deadline = no_deadline;  // curl reports its next timeout from inside socket_action
    on_timeout();
  }

  static size_t on_header(char* data, size_t size, size_t count, void* userp) {
    auto* t = static_cast<transfer*>(userp);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
      // A new status line (after 100 Continue or a redirect): headers start over.
      t->response.headers.clear();
      auto space = line.find(' ');
      int status = 0;
      if (space != std::string_view::npos)
        for (std::size_t k = space + 1; k < line.size() && line[k] >= '0' && line[k] <= '9'; ++k)
          status = status * 10 + (line[k] - '0');
      t->response.status = status;
      return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return n;  // the blank line, or junk
    std::string name(line.substr(0, colon));
    for (auto& c : name) c = ascii_lower(c);
    std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-length" && !t->request->on_body_chunk) {
      std::size_t length = 0;
      for (char c : value) {
        if (c < '0' || c > '9') break;
        length = length * 10 + static_cast<std::size_t>(c - '0');
      }
      t->response.body.reserve(std::min<std::size_t>(length, 64u << 20));
    }
    t->response.headers.emplace_back(std::move(name), std::string(value));
    return n;
  }

  static size_t on_body(char* data, size_t size, size_t count, void* userp) {
    auto* t = static_cast<transfer*>(userp);
    const std::size_t n = size * count;
    const int status = t->response.status;
    if (t->request->on_body_chunk && status >= 200 && status < 300) {
      t->response.streamed_bytes += n;
      std::string& tail = t->response.streamed_tail;
      tail.append(data, n);
      if (tail.size() > 8192) tail.erase(0, tail.size() - 4096);
      if (t->owner->body_observer) t->owner->body_observer(std::string_view(data, n));
      t->request->on_body_chunk(std::string_view(data, n));
    } else {
      t->response.body.append(data, n);
    }
    return n;
  }

  // ---- event loop side -------------------------------------------------------------------------

  void arm_watch() {
    if (watch_armed || closing) return;
    watch_armed = true;
    const std::uint64_t generation = ++watch_generation;
    epoll_watch.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           [keep = self.shared_from_this(), this, generation](const boost::system::error_code& ec) {
                             if (generation != watch_generation) return;  // a cancelled, older wait
                             watch_armed = false;
                             if (!ec) drain();
                             if (in_flight > 0) arm_watch();
                           });
  }

  // Reads the private epoll set until it is empty, so no readiness is left behind when the
  // (edge-triggered) Asio wait is armed again. Bounded, then continued through post, so that a
  // flood of events cannot starve other handlers on the executor.
  void drain() {
    for (int round = 0; round < 16; ++round) {
      const int n = ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      for (int k = 0; k < n; ++k) {
        const auto ev = events[static_cast<std::size_t>(k)].events;
        int flags = 0;
        if (ev & EPOLLIN) flags |= CURL_CSELECT_IN;
        if (ev & EPOLLOUT) flags |= CURL_CSELECT_OUT;
        if (ev & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
        int running = 0;
        curl_multi_socket_action(multi, events[static_cast<std::size_t>(k)].data.fd, flags, &running);
      }
      finish_done_transfers();
    }
    boost::asio::post(self.executor(), [keep = self.shared_from_this(), this] {
      drain();
      if (in_flight > 0) arm_watch();
    });
  }

  void on_timeout() {
    int running = 0;
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    finish_done_transfers();
  }

  void finish_done_transfers() {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      const CURLcode result = msg->data.result;
      std::error_code ec = map_curl_result(result);
      long version = 0;
      if (t->response.status != 0 && curl_easy_getinfo(msg->easy_handle, CURLINFO_HTTP_VERSION, &version) == CURLE_OK)
        t->response.http_version = http_version_of(version);
      if (ec) {
        t->response.tls_verification_failed = is_tls_verification_failure(result);
        t->response.transport_error = t->error_buffer[0] ? t->error_buffer : curl_easy_strerror(result);
        if (!t->response.transport_error.empty() && t->response.transport_error.back() == '\n')
          t->response.transport_error.pop_back();
      }
      finish(*t, ec);
    }
    if (in_flight == 0 && watch_armed) {
      // Nothing left to wait for: let io_context::run() return when the caller is done.
      watch_armed = false;
      ++watch_generation;
      epoll_watch.cancel();
    }
  }

  void finish(transfer& t, std::error_code ec) {
    curl_multi_remove_handle(multi, t.easy);
    transfer_completion* done = t.done;
    http_response response = std::move(t.response);
    recycle(t);
    done->complete(ec, std::move(response));
  }

  void recycle(transfer& t) {
    t.active = false;
    t.done = nullptr;
    t.request = nullptr;
    t.response = http_response{};
    t.error_buffer[0] = '\0';
    if (t.own_headers) {
      curl_slist_free_all(t.own_headers);
      t.own_headers = nullptr;
      curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, headers);
    }
    --in_flight;
    idle.push_back(&t);
  }

  transfer& acquire();
};

namespace {

void check(CURLcode code, const char* what) {
  if (code != CURLE_OK)
    throw error(make_error_code(errc::invalid_argument),
                std::string("libcurl rejected option ") + what + ": " + curl_easy_strerror(code));
}

curl_slist* append_header(curl_slist* list, const std::string& line) {
  curl_slist* next = curl_slist_append(list, line.c_str());
  if (!next) {
    curl_slist_free_all(list);
    throw std::bad_alloc();
  }
  return next;
}

bool is_https(std::string_view url) noexcept {
  return url.size() >= 8 && (url.substr(0, 8) == "https://" || url.substr(0, 8) == "HTTPS://");
}

}  // namespace

transfer& client_state::impl::acquire() {
  if (!idle.empty()) {
    transfer* t = idle.back();
    idle.pop_back();
    return *t;
  }
  auto owned = std::make_unique<transfer>();
  transfer& t = *owned;
  t.owner = this;
  t.easy = curl_easy_init();
  if (!t.easy) throw std::bad_alloc();
  all.push_back(std::move(owned));
  const client_options& o = self.options();
  CURL* e = t.easy;
  check(curl_easy_setopt(e, CURLOPT_PRIVATE, &t), "PRIVATE");
  check(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L), "NOSIGNAL");
  check(curl_easy_setopt(e, CURLOPT_POST, 1L), "POST");
  check(curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers), "HTTPHEADER");
  check(curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &impl::on_header), "HEADERFUNCTION");
  check(curl_easy_setopt(e, CURLOPT_HEADERDATA, &t), "HEADERDATA");
  check(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &impl::on_body), "WRITEFUNCTION");
  check(curl_easy_setopt(e, CURLOPT_WRITEDATA, &t), "WRITEDATA");
  check(curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer), "ERRORBUFFER");
  check(curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""), "ACCEPT_ENCODING");  // every encoding curl has
  check(curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS)), "HTTP_VERSION");
  check(curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L), "TCP_NODELAY");
  check(curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count())),
        "CONNECTTIMEOUT_MS");
  // For HTTP/2 over TLS, wait for the connection being set up instead of opening another one, so
  // that concurrent requests multiplex on one connection.
  if (is_https(o.base_url)) check(curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L), "PIPEWAIT");
  if (!o.ca_file.empty()) check(curl_easy_setopt(e, CURLOPT_CAINFO, o.ca_file.c_str()), "CAINFO");
  if (!o.proxy.empty()) check(curl_easy_setopt(e, CURLOPT_PROXY, o.proxy.c_str()), "PROXY");
  if (!o.no_proxy.empty()) check(curl_easy_setopt(e, CURLOPT_NOPROXY, o.no_proxy.c_str()), "NOPROXY");
  return t;
}

client_state::client_state(executor_type ex, client_options options)
    : executor_(std::move(ex)), options_(std::move(options)) {
  global_init_once();
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  limiter_ = endpoint_limiter::for_endpoint(options_.base_url);
  if (options_.max_concurrent_requests > 0) limiter_->concurrency().set_limit(options_.max_concurrent_requests);
  if (options_.requests_per_minute > 0 || options_.tokens_per_minute > 0)
    limiter_->set_limits(options_.requests_per_minute > 0 ? options_.requests_per_minute : -1,
                         options_.tokens_per_minute > 0 ? options_.tokens_per_minute : -1);
  impl_ = std::make_unique<impl>(*this, executor_);
  impl& i = *impl_;

  i.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (i.epoll_fd < 0)
    throw error(make_error_code(errc::connection), std::string("epoll_create1 failed: ") + std::strerror(errno));
  i.epoll_watch.assign(i.epoll_fd);  // the descriptor now owns (and will close) the epoll set

  i.multi = curl_multi_init();
  if (!i.multi) throw std::bad_alloc();
  curl_multi_setopt(i.multi, CURLMOPT_SOCKETFUNCTION, &impl::on_socket);
  curl_multi_setopt(i.multi, CURLMOPT_SOCKETDATA, &i);
  curl_multi_setopt(i.multi, CURLMOPT_TIMERFUNCTION, &impl::on_timer);
  curl_multi_setopt(i.multi, CURLMOPT_TIMERDATA, &i);
  curl_multi_setopt(i.multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));

  // Every request carries the same headers: build the list once.
  i.headers = append_header(i.headers, "Content-Type: application/json");
  i.headers = append_header(i.headers, std::string("User-Agent: schemaforge/") + version());
  i.headers = append_header(i.headers, "Expect:");  // no 100-continue round trip for large bodies
  if (!options_.api_key.empty()) i.headers = append_header(i.headers, "Authorization: Bearer " + options_.api_key);
  if (!options_.organization.empty())
    i.headers = append_header(i.headers, "OpenAI-Organization: " + options_.organization);
  if (!options_.project.empty()) i.headers = append_header(i.headers, "OpenAI-Project: " + options_.project);
  for (const auto& [name, value] : options_.extra_headers) i.headers = append_header(i.headers, name + ": " + value);
}

client_state::~client_state() {
  impl& i = *impl_;
  i.closing = true;
  for (auto& t : i.all) {
    if (t->active) {
      curl_multi_remove_handle(i.multi, t->easy);
      if (t->done) t->done->discard();
    }
    curl_easy_cleanup(t->easy);
    if (t->own_headers) curl_slist_free_all(t->own_headers);
  }
  // Closes the cached connections; the socket callback still needs the epoll set, closed after.
  curl_multi_cleanup(i.multi);
  curl_slist_free_all(i.headers);
}

transfer_handle client_state::start(const http_request& request, std::chrono::milliseconds timeout,
                                    transfer_completion* done) {
  impl& i = *impl_;
  transfer& t = i.acquire();
  t.active = true;
  t.generation = i.next_generation++;
  t.request = &request;
  t.done = done;
  ++i.in_flight;

  t.url.assign(options_.base_url);
  t.url.append(request.path);
  CURL* e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body.data());  // not copied: the request outlives us
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(timeout.count(), 1)));
  if (!request.headers.empty()) {
    curl_slist* list = nullptr;
    for (curl_slist* h = i.headers; h; h = h->next) list = append_header(list, h->data);
    for (const auto& [name, value] : request.headers) list = append_header(list, name + ": " + value);
    t.own_headers = list;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
  }
  const CURLMcode added = curl_multi_add_handle(i.multi, e);
  if (added != CURLM_OK) {
    std::string message = curl_multi_strerror(added);
    i.recycle(t);
    // Complete later, like every other outcome, never inline from start().
    boost::asio::post(executor_, [keep = shared_from_this(), done, message = std::move(message)]() mutable {
      http_response response;
      response.transport_error = std::move(message);
      done->complete(make_error_code(errc::connection), std::move(response));
    });
    return {};
  }
  i.arm_watch();
  return {&t, t.generation};
}

void client_state::cancel(transfer_handle handle) noexcept {
  // Always deferred: cancel() is usually called from a cancellation slot's handler, which the
  // completion clears, and it may be called from inside a libcurl callback (a streaming chunk
  // handler), where removing a handle is not allowed.
  boost::asio::post(executor_, [keep = shared_from_this(), handle] {
    auto* t = static_cast<transfer*>(handle.slot);
    if (!t || !t->active || t->generation != handle.generation || !t->done) return;
    impl& i = *keep->impl_;
    t->response.transport_error = "cancelled";
    i.finish(*t, make_error_code(errc::cancelled));
    if (i.in_flight == 0 && i.watch_armed) {
      i.watch_armed = false;
      ++i.watch_generation;
      i.epoll_watch.cancel();
    }
  });
}

std::size_t client_state::in_flight() const noexcept { return impl_->in_flight; }

void client_state::set_body_observer(std::function<void(std::string_view)> observer) {
  impl_->body_observer = std::move(observer);
}

}  // namespace schemaforge::detail
