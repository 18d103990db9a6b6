module agent-platform.local/standin

go 1.24
