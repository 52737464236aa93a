// UDP and TCP client listeners of the resolver.
#include "resolver/frontend.h"

#include <cstring>

#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/socket_base.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

namespace holdfast::resolver {

UdpFrontend::UdpFrontend(asio::ip::udp::socket socket, FrontendContext context)
    : socket_(std::move(socket)), context_(context) {
  make_responder_ = [this] {
    return Responder(
        [this, peer = peer_, received = received_](std::span<const std::uint8_t> reply) {
          asio::error_code ignored;  // a full socket buffer drops the answer; the client retries
          socket_.send_to(asio::buffer(reply.data(), reply.size()), peer, 0, ignored);
          context_.stats.recordAnswer(ClientTransport::kUdp, reply,
                                      std::chrono::steady_clock::now() - received);
        });
  };
}

void UdpFrontend::start() {
  asio::error_code ignored;
  socket_.non_blocking(true, ignored);
  waitReadable();
}

void UdpFrontend::waitReadable() {
  socket_.async_wait(asio::socket_base::wait_read,
                     [this](const asio::error_code& ec) { onReadable(ec); });
}

void UdpFrontend::onReadable(const asio::error_code& ec) {
  if (ec == asio::error::operation_aborted) {
    return;
  }
  if (ec) {
    log_.error("udp receive loop stopped", {{"error.message", ec.message()}});
    return;
  }
  serveTurn();
}

void UdpFrontend::serveTurn() {
  for (int batch = 0; batch < server::kUdpBatchesPerTurn; ++batch) {
    int error = 0;
    const std::size_t received = batch_.receive(socket_.native_handle(), error);
    if (error != 0) {
      log_.debug("udp receive failed",
                 {{"error.message", asio::error_code(error, asio::system_category()).message()}});
    }
    if (received == 0) {
      waitReadable();
      return;
    }
    answerBatch(received);
  }
  // More may be waiting; the readiness wait reports edges, so drain first, after the worker's
  // other ready handlers (upstream replies, TCP clients) have had their turn.
  asio::post(socket_.get_executor(), [this] { serveTurn(); });
}

void UdpFrontend::answerBatch(std::size_t received) {
  received_ = std::chrono::steady_clock::now();
  std::array<std::size_t, server::kUdpBatchSize> answered{};  // reply length per slot, 0: none
  for (std::size_t slot = 0; slot < received; ++slot) {
    // Larger than the slot: cut short, cannot be answered correctly.
    const auto peer_length = static_cast<std::size_t>(batch_.peerLength(slot));
    if (batch_.truncated(slot) || peer_length > peer_.capacity()) {
      continue;
    }
    std::memcpy(peer_.data(), batch_.peer(slot), peer_length);
    peer_.resize(peer_length);
    const ClientContext client{ClientTransport::kUdp, context_.allow->allows(peer_.address())};
    const std::span<std::uint8_t> out = batch_.replyBuffer(slot);
    const std::size_t n =
        context_.forwarder.handle(batch_.query(slot), client, out, make_responder_);
    if (n > 0 && n <= out.size()) {
      batch_.queueReply(slot, n);
      answered[slot] = n;
    }
  }
  if (batch_.queuedReplies() == 0) {
    return;
  }
  // A full socket buffer drops answers; the clients retry.
  static_cast<void>(batch_.sendQueued(socket_.native_handle()));

  // Every answer of the batch waited for the whole batch: one clock read covers them all.
  const auto latency = std::chrono::steady_clock::now() - received_;
  for (std::size_t slot = 0; slot < received; ++slot) {
    if (answered[slot] > 0) {
      context_.stats.recordAnswer(ClientTransport::kUdp,
                                  batch_.replyBuffer(slot).first(answered[slot]), latency);
    }
  }
}

namespace {

// One TCP client: read a query, answer it (now or when upstreams reply), then read the next.
class TcpClient : public std::enable_shared_from_this<TcpClient> {
public:
  TcpClient(asio::ip::tcp::socket socket,
            FrontendContext context,
            std::shared_ptr<std::size_t> active)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        context_(context),
        active_(std::move(active)),
        query_(kMaxMessageBytes),
        reply_(kMaxMessageBytes + 2) {
    ++*active_;
  }

  ~TcpClient() { --*active_; }

  void start() {
    asio::error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    allowed_ = !ec && context_.allow->allows(peer.address());
    readLength();
  }

private:
  void touch() {
    timer_.expires_after(kTcpClientIdleTimeout);
    timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (!ec) {
        asio::error_code ignored;
        self->socket_.close(ignored);
      }
    });
  }

  void readLength() {
    touch();
    asio::async_read(socket_, asio::buffer(length_),
                     [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                       if (!ec) {
                         self->readMessage();
                       } else {
                         self->timer_.cancel();
                       }
                     });
  }

  void readMessage() {
    const std::size_t n = static_cast<std::size_t>((length_[0] << 8) | length_[1]);
    asio::async_read(socket_, asio::buffer(query_.data(), n),
                     [self = shared_from_this()](const asio::error_code& ec, std::size_t got) {
                       if (!ec) {
                         self->answer(got);
                       } else {
                         self->timer_.cancel();
                       }
                     });
  }

  void answer(std::size_t length) {
    received_ = std::chrono::steady_clock::now();
    const ClientContext client{ClientTransport::kTcp, allowed_};
    bool pending = false;
    const std::size_t n = context_.forwarder.handle(
        std::span(query_.data(), length), client, std::span(reply_.data() + 2, kMaxMessageBytes),
        [&] {
          pending = true;
          return Responder([self = shared_from_this()](std::span<const std::uint8_t> reply) {
            std::copy(reply.begin(), reply.end(), self->reply_.begin() + 2);
            self->write(reply.size());
          });
        });
    if (n > 0) {
      write(n);
    } else if (!pending) {
      readLength();  // dropped: wait for the next query
    }
  }

  void write(std::size_t n) {
    reply_[0] = static_cast<std::uint8_t>(n >> 8);
    reply_[1] = static_cast<std::uint8_t>(n);
    context_.stats.recordAnswer(ClientTransport::kTcp, std::span(reply_.data() + 2, n),
                                std::chrono::steady_clock::now() - received_);
    asio::async_write(socket_, asio::buffer(reply_.data(), n + 2),
                      [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                        if (!ec) {
                          self->readLength();
                        } else {
                          self->timer_.cancel();
                        }
                      });
  }

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  FrontendContext context_;
  std::shared_ptr<std::size_t> active_;
  std::vector<std::uint8_t> query_;
  std::vector<std::uint8_t> reply_;
  std::array<std::uint8_t, 2> length_{};
  std::chrono::steady_clock::time_point received_{};
  bool allowed_ = false;
};

}  // namespace

TcpFrontend::TcpFrontend(asio::ip::tcp::acceptor acceptor, FrontendContext context)
    : acceptor_(std::move(acceptor)), context_(context) {}

void TcpFrontend::start() {
  accept();
}

void TcpFrontend::accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted) {
      return;
    }
    if (!ec) {
      if (*active_ >= kMaxTcpClientsPerWorker) {
        asio::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<TcpClient>(std::move(socket), context_, active_)->start();
      }
    } else {
      log_.debug("tcp accept failed", {{"error.message", ec.message()}});
    }
    accept();
  });
}

}  // namespace holdfast::resolver
