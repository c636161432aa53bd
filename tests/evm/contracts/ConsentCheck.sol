// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title A small consent contract for the EVM differential tests (tests/evm/evm_differential_test.cpp)
/// @notice Patients anchor records, grant a reader access for purposes until a time, revoke;
/// `check` decides. Not the ledger's consent rules (contracts/ConsentRules.sol): a contract of
/// the same shape (mappings of structs, events, custom errors, require, view calls) that solc
/// compiles to the code paths real contracts take.
contract ConsentCheck {
    struct Grant {
        address patient;
        address reader;
        bytes32 record;
        uint64 purposes; // bit i: purpose i
        uint64 notAfter;
        bool revoked;
    }

    mapping(bytes32 => address) public patientOf;
    mapping(bytes32 => Grant) public grants;
    mapping(address => uint256) public grantCount;
    uint256 public checks;

    event Anchored(bytes32 indexed record, address indexed patient);
    event Granted(bytes32 indexed id, address indexed patient, address indexed reader, uint64 purposes);
    event Revoked(bytes32 indexed id);

    error NotPatient(address caller, address patient);
    error UnknownGrant(bytes32 id);

    function anchor(bytes32 record) external {
        require(patientOf[record] == address(0), "already anchored");
        patientOf[record] = msg.sender;
        emit Anchored(record, msg.sender);
    }

    function grant(bytes32 id, bytes32 record, address reader, uint64 purposes, uint64 notAfter) external {
        address patient = patientOf[record];
        if (patient != msg.sender) revert NotPatient(msg.sender, patient);
        require(grants[id].patient == address(0), "grant exists");
        require(purposes != 0 && reader != address(0), "empty grant");
        grants[id] = Grant(patient, reader, record, purposes, notAfter, false);
        grantCount[reader] += 1;
        emit Granted(id, patient, reader, purposes);
    }

    function revoke(bytes32 id) external {
        Grant storage g = grants[id];
        if (g.patient == address(0)) revert UnknownGrant(id);
        if (g.patient != msg.sender) revert NotPatient(msg.sender, g.patient);
        g.revoked = true;
        grantCount[g.reader] -= 1;
        emit Revoked(id);
    }

    /// Whether `reader` may read `record` for `purpose` (a bit number) at `nowMs` under grant `id`.
    function check(bytes32 id, bytes32 record, address reader, uint8 purpose, uint64 nowMs)
        public view returns (bool)
    {
        if (patientOf[record] == reader) return true;
        Grant storage g = grants[id];
        return g.record == record && g.reader == reader && !g.revoked && nowMs <= g.notAfter
            && (g.purposes >> purpose) & 1 == 1;
    }

    /// `check`, counted (a state change a decision log would make).
    function checkAndCount(bytes32 id, bytes32 record, address reader, uint8 purpose, uint64 nowMs)
        external returns (bool allowed)
    {
        allowed = check(id, record, reader, purpose, nowMs);
        unchecked {
            checks += 1;
        }
    }
}
