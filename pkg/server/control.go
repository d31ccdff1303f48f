package server

import "github.com/labstack/echo/v4"

// registerControl mounts the control API. (Filled in by the control API work.)
func registerControl(e *echo.Echo, store *MemoryStore, journal *Journal, maxBody int64) {}
