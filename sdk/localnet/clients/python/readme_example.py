import os, requests
from stellar_sdk import Keypair, SorobanServer, scval
from stellar_sdk.contract import ContractClient
rpc_url = os.environ.get("RPC_URL", "http://127.0.0.1:8000/rpc")
fan = Keypair.random()
requests.get(rpc_url.replace("/rpc", "/friendbot"), params={"addr": fan.public_key}).raise_for_status()
access = ContractClient(os.environ["ACCESS"], rpc_url, "Standalone Network ; February 2017")
args = [scval.to_address(fan.public_key), scval.to_address(fan.public_key), scval.to_uint32(1)]
has = access.invoke("has_access", args, source=fan.public_key, parse_result_xdr_fn=scval.from_bool).result()
print(f"ledger {SorobanServer(rpc_url).get_latest_ledger().sequence}: has_access = {has}")
