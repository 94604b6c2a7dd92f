module stroppyseed

go 1.19
