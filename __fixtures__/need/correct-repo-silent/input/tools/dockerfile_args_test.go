package tools

var dockerfile = `
FROM ${BASE}:${TAG}
`
