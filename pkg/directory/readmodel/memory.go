package readmodel

import "runtime/debug"

// releaseMemory returns the heap's free pages to the operating system; it
// runs once at the end of each full load, before the model serves.
//
// A full load decodes every entry of the directory once, and the garbage
// of that — go-ldap's packets and entries, the feed's value maps — is
// larger than the model it leaves behind. The runtime keeps freed pages
// resident and gives them back slowly (its background scavenger), so for
// minutes after a load the process's RSS is the load's peak, not the
// model's size: with 100,000 users, hundreds of MiB more than the model.
// One forced collection per full load is small beside the load itself. A
// variable so that a test can count the calls.
var releaseMemory = debug.FreeOSMemory
