// Runs js-ipfs (ipfs-core + ipfs-http-server from npm, an IPFS implementation independent of
// PatientVault) offline, serving the Kubo RPC API on 127.0.0.1:PORT with a fresh repository.
// This is what `jsipfs daemon --offline` does, without the `ipfs` CLI package, whose optional
// WebRTC dependencies download binaries at install time. The node never starts (start: false):
// no libp2p, no bitswap, so a block it lacks is answered "not found" at once instead of being
// searched for (ipfs-core 0.18 itself ignores an `offline` flag for blocks).
// package.json pins mortice 3.0.6 (overrides): later 3.x releases need Promise.withResolvers,
// which Node 20 (Debian's) lacks.
//
// usage: node daemon.mjs REPO_DIR PORT
// Prints "ready" on stdout once the API listens; stops cleanly on SIGTERM or SIGINT.
import { create } from 'ipfs-core'
import { HttpApi } from 'ipfs-http-server'

const [repo, port] = process.argv.slice(2)
if (!repo || !/^[0-9]+$/.test(port ?? '')) {
  console.error('usage: node daemon.mjs REPO_DIR PORT   (e.g. node daemon.mjs /tmp/ipfs 5001)')
  process.exit(2)
}

const ipfs = await create({
  repo,
  offline: true,
  start: false,
  silent: true,
  preload: { enabled: false },
  init: { algorithm: 'Ed25519', emptyRepo: true },
  config: {
    Addresses: { API: `/ip4/127.0.0.1/tcp/${port}`, Gateway: [], Swarm: [], RPC: [] },
    Bootstrap: [],
    Discovery: { MDNS: { Enabled: false }, webRTCStar: { Enabled: false } }
  }
})
const api = new HttpApi(ipfs)
await api.start()
console.log('ready')

let stopping = false
async function stop () {
  if (stopping) return
  stopping = true
  await api.stop()
  await ipfs.stop()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
