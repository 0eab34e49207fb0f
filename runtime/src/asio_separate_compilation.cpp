// SPDX-License-Identifier: MIT
// The one translation unit that compiles Asio's implementation; every other file includes
// Asio's headers with BOOST_ASIO_SEPARATE_COMPILATION and only declares.
#include <boost/asio/impl/src.hpp>
