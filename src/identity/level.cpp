// Level identity: DIDs, wallets, credentials, request signatures (client side and checks).
