"""The MCP server: leadapi's use cases as tools an AI agent calls, over stdio or streamable HTTP."""
