"""Embedding the portal in a company's own website: the host page's script
(`/embed.js`), the compact embedded mode under `/embed/`, who may frame it, cookies
that work inside a third-party iframe, and identity verification by the host."""
