// Training a network.h stack (see convplay/train.h).
#include <convplay/train.h>

namespace convplay {
struct TrainableNetwork::Impl {};
TrainableNetwork::TrainableNetwork() = default;
TrainableNetwork::~TrainableNetwork() = default;
TrainableNetwork::TrainableNetwork(TrainableNetwork&&) noexcept = default;
TrainableNetwork& TrainableNetwork::operator=(TrainableNetwork&&) noexcept = default;
Expected<TrainableNetwork> TrainableNetwork::build(const NetShape&, const std::vector<NetLayer>&, const TrainOptions&) {
  return Error{"training: not implemented yet"};
}
} // namespace convplay
