// UDP and TCP exchanges with upstreams.
#include "resolver/asio_transport.h"

#include <array>
#include <vector>

#include <asio/connect.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include "resolver/message.h"

namespace holdfast::resolver {

namespace {

ExchangeError classify(const asio::error_code& ec) {
  if (ec == asio::error::connection_refused) {
    return ExchangeError::kRefused;
  }
  if (ec == asio::error::eof || ec == asio::error::connection_reset) {
    return ExchangeError::kClosed;
  }
  return ExchangeError::kIo;
}

// Shared by the exchange and its pending handlers, so a handler that runs after the exchange
// was destroyed finds `cancelled` set and returns without calling anyone.
struct UdpState {
  explicit UdpState(asio::io_context& context) : socket(context) {}

  asio::ip::udp::socket socket;
  asio::ip::udp::endpoint remote;
  std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(kMaxMessageBytes);
  ExchangeCallbacks callbacks;
  bool cancelled = false;
};

struct TcpState {
  explicit TcpState(asio::io_context& context) : socket(context) {}

  asio::ip::tcp::socket socket;
  asio::ip::tcp::endpoint remote;
  std::vector<std::uint8_t> out;
  std::array<std::uint8_t, 2> length{};
  std::vector<std::uint8_t> in;
  ExchangeCallbacks callbacks;
  bool cancelled = false;
};

template <typename State>
class SocketExchange final : public Exchange {
public:
  explicit SocketExchange(std::shared_ptr<State> state) : state_(std::move(state)) {}

  ~SocketExchange() override {
    state_->cancelled = true;
    asio::error_code ignored;
    state_->socket.close(ignored);
  }

private:
  std::shared_ptr<State> state_;
};

template <typename State>
void reportError(const std::shared_ptr<State>& state, const asio::error_code& ec) {
  if (!state->cancelled) {
    state->cancelled = true;
    state->callbacks.on_error(classify(ec));
  }
}

void receiveUdp(const std::shared_ptr<UdpState>& state) {
  state->socket.async_receive(
      asio::buffer(state->buffer), [state](const asio::error_code& ec, std::size_t n) {
        if (state->cancelled) {
          return;
        }
        if (ec) {
          reportError(state, ec);
          return;
        }
        state->callbacks.on_message(std::span<const std::uint8_t>(state->buffer.data(), n),
                                    state->remote.address(), state->remote.port());
        if (!state->cancelled) {
          receiveUdp(state);
        }
      });
}

std::unique_ptr<Exchange> startUdp(asio::io_context& context,
                                   const Upstream& upstream,
                                   std::span<const std::uint8_t> query,
                                   ExchangeCallbacks callbacks) {
  auto state = std::make_shared<UdpState>(context);
  state->callbacks = std::move(callbacks);
  state->remote = asio::ip::udp::endpoint(upstream.address, upstream.port);

  asio::error_code ec;
  state->socket.open(state->remote.protocol(), ec);
  if (!ec) {
    state->socket.connect(state->remote, ec);
  }
  if (!ec) {
    state->socket.non_blocking(true, ec);
  }
  if (!ec) {
    state->socket.send(asio::buffer(query.data(), query.size()), 0, ec);
  }
  if (ec) {
    // Callbacks never run inside start(): report on the next turn of the loop.
    asio::post(context, [state, ec] { reportError(state, ec); });
  } else {
    receiveUdp(state);
  }
  return std::make_unique<SocketExchange<UdpState>>(state);
}

void readTcpReply(const std::shared_ptr<TcpState>& state) {
  asio::async_read(
      state->socket, asio::buffer(state->length), [state](const asio::error_code& ec, std::size_t) {
        if (state->cancelled) {
          return;
        }
        if (ec) {
          reportError(state, ec);
          return;
        }
        state->in.resize(static_cast<std::size_t>((state->length[0] << 8) | state->length[1]));
        asio::async_read(state->socket, asio::buffer(state->in),
                         [state](const asio::error_code& ec2, std::size_t) {
                           if (state->cancelled) {
                             return;
                           }
                           if (ec2) {
                             reportError(state, ec2);
                             return;
                           }
                           state->callbacks.on_message(state->in, state->remote.address(),
                                                       state->remote.port());
                         });
      });
}

std::unique_ptr<Exchange> startTcp(asio::io_context& context,
                                   const Upstream& upstream,
                                   std::span<const std::uint8_t> query,
                                   ExchangeCallbacks callbacks) {
  auto state = std::make_shared<TcpState>(context);
  state->callbacks = std::move(callbacks);
  state->remote = asio::ip::tcp::endpoint(upstream.address, upstream.port);
  state->out.reserve(query.size() + 2);
  state->out.push_back(static_cast<std::uint8_t>(query.size() >> 8));
  state->out.push_back(static_cast<std::uint8_t>(query.size()));
  state->out.insert(state->out.end(), query.begin(), query.end());

  state->socket.async_connect(state->remote, [state](const asio::error_code& ec) {
    if (state->cancelled) {
      return;
    }
    if (ec) {
      reportError(state, ec);
      return;
    }
    asio::async_write(state->socket, asio::buffer(state->out),
                      [state](const asio::error_code& ec2, std::size_t) {
                        if (state->cancelled) {
                          return;
                        }
                        if (ec2) {
                          reportError(state, ec2);
                          return;
                        }
                        readTcpReply(state);
                      });
  });
  return std::make_unique<SocketExchange<TcpState>>(state);
}

}  // namespace

std::unique_ptr<Exchange> AsioTransport::start(const Upstream& upstream,
                                               Protocol protocol,
                                               std::span<const std::uint8_t> query,
                                               ExchangeCallbacks callbacks) {
  if (protocol == Protocol::kTcp) {
    return startTcp(context_, upstream, query, std::move(callbacks));
  }
  return startUdp(context_, upstream, query, std::move(callbacks));
}

}  // namespace holdfast::resolver
