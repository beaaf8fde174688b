ARG A=alpine B=3.20 C
FROM $A:$B$C
