// SPDX-License-Identifier: MIT
// nghttp2 does the framing, HPACK and flow control; this file moves bytes between it and the TLS
// stream and turns complete requests into answers.
#include "http2_session.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <memory>

namespace schemaforge::testing {
namespace {

struct http2_stream {
  recorded_request request;
  http2_answer answer;
  std::size_t sent = 0;
};

struct http2_connection {
  nghttp2_session* session = nullptr;
  std::size_t connection = 0;
  http2_handler handler;
  std::map<std::int32_t, std::unique_ptr<http2_stream>> streams;
  std::size_t requests = 0;
  std::size_t release_at = 0;           // the largest hold_until among held answers
  std::vector<std::int32_t> held;

  http2_stream* find(std::int32_t id) {
    auto it = streams.find(id);
    return it == streams.end() ? nullptr : it->second.get();
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buffer, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto* s = static_cast<http2_stream*>(source->ptr);
    const std::size_t n = std::min(length, s->answer.body.size() - s->sent);
    std::memcpy(buffer, s->answer.body.data() + s->sent, n);
    s->sent += n;
    if (s->sent == s->answer.body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  void submit(std::int32_t id) {
    http2_stream* s = find(id);
    if (!s) return;  // reset by the client meanwhile
    std::vector<std::pair<std::string, std::string>> fields;
    fields.emplace_back(":status", std::to_string(s->answer.status));
    for (auto [name, value] : s->answer.headers) {
      for (auto& c : name)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // HTTP/2 wants lower case
      fields.emplace_back(std::move(name), std::move(value));
    }
    fields.emplace_back("content-length", std::to_string(s->answer.body.size()));
    std::vector<nghttp2_nv> nv;
    for (auto& [name, value] : fields)
      nv.push_back({reinterpret_cast<std::uint8_t*>(name.data()), reinterpret_cast<std::uint8_t*>(value.data()),
                    name.size(), value.size(), NGHTTP2_NV_FLAG_NONE});
    nghttp2_data_provider body{};
    body.source.ptr = s;
    body.read_callback = &read_body;
    nghttp2_submit_response(session, id, nv.data(), nv.size(), &body);  // copies the fields
  }

  void request_complete(std::int32_t id) {
    http2_stream* s = find(id);
    if (!s) return;
    s->request.connection = connection;
    s->answer = handler(s->request);
    ++requests;
    release_at = std::max(release_at, s->answer.hold_until);
    if (requests < release_at) {
      held.push_back(id);
      return;
    }
    for (std::int32_t waiting : held) submit(waiting);
    held.clear();
    submit(id);
  }

  // ---- nghttp2 callbacks ----------------------------------------------------------------------

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto* c = static_cast<http2_connection*>(user);
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST)
      c->streams[frame->hd.stream_id] = std::make_unique<http2_stream>();
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name, std::size_t name_length,
                       const std::uint8_t* value, std::size_t value_length, std::uint8_t, void* user) {
    auto* c = static_cast<http2_connection*>(user);
    http2_stream* s = c->find(frame->hd.stream_id);
    if (!s) return 0;
    std::string n(reinterpret_cast<const char*>(name), name_length);
    std::string v(reinterpret_cast<const char*>(value), value_length);
    if (n == ":method") s->request.method = std::move(v);
    else if (n == ":path") s->request.target = std::move(v);
    else if (n == ":authority") s->request.headers.emplace_back("host", std::move(v));
    else if (!n.empty() && n.front() != ':') s->request.headers.emplace_back(std::move(n), std::move(v));
    return 0;
  }

  static int on_data(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* data, std::size_t length,
                     void* user) {
    auto* c = static_cast<http2_connection*>(user);
    if (http2_stream* s = c->find(id)) s->request.body.append(reinterpret_cast<const char*>(data), length);
    return 0;
  }

  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto* c = static_cast<http2_connection*>(user);
    const bool request_frame = frame->hd.type == NGHTTP2_DATA || frame->hd.type == NGHTTP2_HEADERS;
    if (request_frame && (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) c->request_complete(frame->hd.stream_id);
    return 0;
  }

  static int on_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* user) {
    auto* c = static_cast<http2_connection*>(user);
    c->streams.erase(id);
    return 0;
  }
};

}  // namespace

boost::asio::awaitable<void> serve_http2(boost::beast::ssl_stream<boost::beast::tcp_stream>& stream,
                                         std::size_t connection, http2_handler handler) {
  http2_connection c;
  c.connection = connection;
  c.handler = std::move(handler);

  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &http2_connection::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &http2_connection::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &http2_connection::on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &http2_connection::on_frame);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &http2_connection::on_close);
  const int created = nghttp2_session_server_new(&c.session, callbacks, &c);
  nghttp2_session_callbacks_del(callbacks);
  if (created != 0) co_return;
  // Owned by the coroutine frame: a server stopped while this connection waits destroys the frame
  // without running to the end, and the session must go with it.
  std::unique_ptr<nghttp2_session, decltype(&nghttp2_session_del)> owner(c.session, &nghttp2_session_del);

  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100}};
  nghttp2_submit_settings(c.session, NGHTTP2_FLAG_NONE, settings, 1);

  std::array<std::uint8_t, 16384> input;
  std::string output;
  try {
    for (;;) {
      for (;;) {
        const std::uint8_t* data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(c.session, &data);
        if (n <= 0) break;  // nothing more to send now (or a fatal error, seen below)
        output.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
      }
      if (!output.empty()) {
        co_await boost::asio::async_write(stream, boost::asio::buffer(output), boost::asio::use_awaitable);
        output.clear();
      }
      if (!nghttp2_session_want_read(c.session) && !nghttp2_session_want_write(c.session)) break;
      const std::size_t n = co_await stream.async_read_some(boost::asio::buffer(input), boost::asio::use_awaitable);
      if (nghttp2_session_mem_recv(c.session, input.data(), n) < 0) break;
    }
  } catch (const std::exception&) {
    // The client closed the connection: the usual end of an HTTP/2 connection.
  }
}

}  // namespace schemaforge::testing
