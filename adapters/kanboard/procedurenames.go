package kanboard

// Procedures lists the names of the procedures the dialect serves, in
// Kanboard's spelling. They share one route (/jsonrpc.php), so the router
// alone cannot show them: this is for whatever must see the whole surface
// (the auth matrix test fails on a procedure it has no entry for).
func Procedures() []string {
	names := make([]string, len(procedureList))
	for i, p := range procedureList {
		names[i] = p.name
	}
	return names
}
