//! Stream decoders.
