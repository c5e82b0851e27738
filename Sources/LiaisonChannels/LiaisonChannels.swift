// The daemon side of channel plugins: file checks, host supervision, dispatch.
