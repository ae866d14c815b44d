package gateway

import (
	"crypto/rand"
	"encoding/hex"
)

// NewClientOrderID returns a random version-4 UUID in its 36-character text
// form, which fits the gateway's client_order_id rules (letters, digits and
// "-", at most 64 characters, room left for the ".tp"/".sl" bracket suffixes).
//
// Set it on an OrderSpec yourself when you may resubmit the same order after
// SubmitOrder has given up: the gateway recognises the repeat by this id.
func NewClientOrderID() string {
	var u [16]byte
	// crypto/rand.Read never fails (Go 1.24+); it aborts the program instead.
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}
